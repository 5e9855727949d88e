from django.urls import path

from improve.reporting import views

app_name = "reporting"
R = "programmes/<slug:slug>/reports/"

urlpatterns = [
    path(R, views.pack_list, name="packs"),
    path(R + "packs/<str:board_code>/sections/", views.pack_sections, name="pack-sections"),
    path(R + "packs/<str:board_code>/<str:month>/", views.pack, name="pack"),
    path(R + "packs/<str:board_code>/<str:month>/issue/", views.pack_issue, name="pack-issue"),
    path(R + "packs/<str:board_code>/<str:month>/pack.<str:fmt>", views.pack_download, name="pack-download"),
]
