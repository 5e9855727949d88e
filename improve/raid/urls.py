from django.urls import URLPattern, path

from improve.raid import views
from improve.raid.models import LOGS

app_name = "raid"
R = "programmes/<slug:slug>/raid/"

urlpatterns: list[URLPattern] = [
    path(R + "risks/", views.risk_register, name="risks"),
    # The room's own pages sit beside the registers, never under them, so that no reference
    # ("new", "heat-map", ...) can clash with them: risks/<ref>/ is always a risk.
    path(R + "new-risk/", views.risk_create, name="risk-create"),
    path(R + "heat-map/", views.heat_map, name="heat-map"),
    path(R + "appetite/", views.appetite, name="appetite"),
    path(R + "risks/<str:ref>/", views.risk_detail, name="risk"),
    path(R + "risks/<str:ref>/edit/", views.risk_edit, name="risk-edit"),
    path(R + "risks/<str:ref>/close/", views.risk_close, name="risk-close"),
    path(R + "risks/<str:ref>/escalate/", views.risk_escalate, name="risk-escalate"),
    path(R + "risks/<str:ref>/archive/", views.risk_archive, name="risk-archive"),
    path(R + "risks/<str:ref>/history/", views.risk_history, name="risk-history"),
    path(R + "risks/<str:ref>/actions/new/", views.risk_action_create, name="risk-action-create"),
    path(R + "issues/", views.issue_register, name="issues"),
    path(R + "new-issue/", views.issue_create, name="issue-create"),
    path(R + "issues/<str:ref>/", views.issue_detail, name="issue"),
    path(R + "issues/<str:ref>/edit/", views.issue_edit, name="issue-edit"),
    path(R + "issues/<str:ref>/archive/", views.issue_archive, name="issue-archive"),
    path(R + "issues/<str:ref>/history/", views.issue_history, name="issue-history"),
    path(R + "issues/<str:ref>/actions/new/", views.issue_action_create, name="issue-action-create"),
    path(R + "actions/<str:ref>/edit/", views.action_edit, name="action-edit"),
    path(R + "actions/<str:ref>/done/", views.action_complete, name="action-complete"),
    path(R + "actions/<str:ref>/archive/", views.action_archive, name="action-archive"),
    path(R + "actions/<str:ref>/history/", views.action_history, name="action-history"),
]

# One register per simpler log: assumptions, dependencies, constraints, exclusions, lessons.
for spec in LOGS.values():
    log = {"log": spec.slug}
    urlpatterns += [
        path(R + f"{spec.slug}/", views.log_register, log, name=spec.slug),
        path(R + f"new-{spec.noun}/", views.log_edit, log, name=f"{spec.slug}-create"),
        path(R + f"{spec.slug}/<str:ref>/edit/", views.log_edit, log, name=f"{spec.slug}-edit"),
        path(R + f"{spec.slug}/<str:ref>/archive/", views.log_archive, log, name=f"{spec.slug}-archive"),
        path(R + f"{spec.slug}/<str:ref>/history/", views.log_history, log, name=f"{spec.slug}-history"),
    ]
