from django.urls import path

from improve.finance import views

app_name = "finance"
M = "programmes/<slug:slug>/money/"
urlpatterns = [
    path(M, views.summary, name="summary"),
    path(M + "lines/", views.lines, name="lines"),
    path(M + "lines/new/", views.line_edit, name="line-create"),
    path(M + "lines/<str:code>/", views.line_detail, name="line"),
    path(M + "lines/<str:code>/edit/", views.line_edit, name="line-edit"),
    path(M + "lines/<str:code>/archive/", views.line_archive, name="line-archive"),
    path(M + "lines/<str:code>/amounts/<str:year>/", views.amounts_edit, name="amounts"),
    path(M + "lines/<str:code>/adjust/<str:year>/", views.adjustment_add, name="adjustment-add"),
    path(M + "lines/<str:code>/allocate/", views.allocation_set, name="allocation-set"),
    path(M + "groups/", views.groups, name="groups"),
    path(M + "groups/new/", views.group_edit, name="group-create"),
    path(M + "groups/<str:code>/edit/", views.group_edit, name="group-edit"),
    path(M + "groups/<str:code>/archive/", views.group_archive, name="group-archive"),
    path(M + "drawdowns/new/", views.drawdown_add, name="drawdown-add"),
    path(M + "funding/", views.sources, name="sources"),
    path(M + "funding/new/", views.source_edit, name="source-create"),
    path(M + "funding/<str:code>/", views.source_detail, name="source"),
    path(M + "funding/<str:code>/edit/", views.source_edit, name="source-edit"),
    path(M + "funding/<str:code>/amounts/", views.source_amounts, name="source-amounts"),
    path(M + "funding/<str:code>/archive/", views.source_archive, name="source-archive"),
    path(M + "trajectory/", views.trajectory, name="trajectory"),
    path(M + "trajectory/new/", views.trajectory_figure_edit, name="trajectory-create"),
    path(M + "trajectory/<str:year>/<int:number>/edit/", views.trajectory_figure_edit, name="trajectory-edit"),
    path(M + "figure-check/", views.figure_check, name="figure-check"),
    path(M + "periods/", views.periods, name="periods"),
    path(M + "periods/add-year/", views.year_add, name="year-add"),
    path(M + "periods/<str:year>/<int:number>/close/", views.period_close, name="period-close"),
]
