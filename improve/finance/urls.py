from django.urls import path

from improve.finance import views

app_name = "finance"
M = "programmes/<slug:slug>/money/"
urlpatterns = [
    path(M, views.summary, name="summary"),
    path(M + "summary.xlsx", views.summary_xlsx, name="summary-xlsx"),
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
    path(M + "periods/", views.periods, name="periods"),
    path(M + "periods/add-year/", views.year_add, name="year-add"),
    path(M + "periods/<str:year>/<int:number>/close/", views.period_close, name="period-close"),
    path(M + "changes/<str:reference>/place/", views.change_place, name="change-place"),
    path(M + "savings/", views.savings, name="savings"),
    path(M + "savings/new/", views.saving_edit, name="saving-create"),
    path(M + "savings/expected-and-delivered/", views.savings_report, name="savings-report"),
    path(M + "savings/<str:code>/", views.saving_detail, name="saving"),
    path(M + "savings/<str:code>/edit/", views.saving_edit, name="saving-edit"),
    path(M + "savings/<str:code>/archive/", views.saving_archive, name="saving-archive"),
    path(M + "savings/<str:code>/years/<str:year>/", views.saving_year, name="saving-year"),
    path(M + "savings/<str:code>/evidence/new/", views.evidence_add, name="evidence-add"),
    path(M + "savings/<str:code>/evidence/<int:evidence>/", views.evidence_file, name="evidence"),
]
