from django.urls import URLPattern, path

from improve.reporting import views
from improve.reporting.highlights import views as highlights

app_name = "reporting"
R = "programmes/<slug:slug>/reports/"

urlpatterns: list[URLPattern] = [
    path(R, views.pack_list, name="packs"),
    path(R + "packs/<str:board_code>/sections/", views.pack_sections, name="pack-sections"),
    path(R + "packs/<str:board_code>/<str:month>/", views.pack, name="pack"),
    path(R + "packs/<str:board_code>/<str:month>/issue/", views.pack_issue, name="pack-issue"),
    path(R + "packs/<str:board_code>/<str:month>/pack.<str:fmt>", views.pack_download, name="pack-download"),
]

# Highlight reports and the programme & PMO dashboard
H = R + "highlights/"
urlpatterns += [
    path(R + "dashboard/", highlights.dashboard, name="dashboard"),
    path(H, highlights.highlights, name="highlights"),
    path(H + "new/", highlights.highlight_create, name="highlight-create"),
    path(H + "<str:code>/<str:month>/", highlights.highlight, name="highlight"),
    path(H + "<str:code>/<str:month>/edit/", highlights.highlight_edit, name="highlight-edit"),
    path(H + "<str:code>/<str:month>/submit/", highlights.highlight_submit, name="highlight-submit"),
    path(H + "<str:code>/<str:month>/review/", highlights.highlight_review, name="highlight-review"),
    path(H + "<str:code>/<str:month>/history/", highlights.highlight_history, name="highlight-history"),
]
