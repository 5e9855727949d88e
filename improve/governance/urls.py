from django.urls import path

from improve.governance import views

app_name = "governance"
P = "programmes/<slug:slug>/governance/"
urlpatterns = [
    path(P, views.calendar, name="calendar"),
    path(P + "generate/", views.calendar_generate, name="calendar-generate"),
    path(P + "chain/", views.chain, name="chain"),
    path(P + "chain/new/", views.report_edit, name="report-add"),
    path(P + "chain/<int:report_id>/", views.report_edit, name="report-edit"),
    path(P + "chain/<int:report_id>/delete/", views.report_delete, name="report-delete"),
    path(P + "calendar.ics", views.programme_ics, name="programme-ics"),
    path(P + "boards/", views.boards, name="boards"),
    path(P + "boards/new/", views.board_edit, name="board-create"),
    path(P + "boards/<str:board_code>/", views.board, name="board"),
    path(P + "boards/<str:board_code>/edit/", views.board_edit, name="board-edit"),
    path(P + "boards/<str:board_code>/archive/", views.board_archive, name="board-archive"),
    path(P + "boards/<str:board_code>/restore/", views.board_restore, name="board-restore"),
    path(P + "boards/<str:board_code>/rota/", views.rota_generate, name="rota-generate"),
    path(P + "boards/<str:board_code>/meetings/new/", views.meeting_add, name="meeting-add"),
    path(P + "boards/<str:board_code>/calendar.ics", views.board_ics, name="board-ics"),
    path(P + "meetings/<int:pk>/", views.meeting_edit, name="meeting-edit"),
    path(P + "decisions/", views.decisions, name="decisions"),
    path(P + "decisions/new/", views.decision_record, name="decision-record"),
    path(P + "decisions/<str:ref>/edit/", views.decision_edit, name="decision-edit"),
    path(P + "changes/", views.changes, name="changes"),
    path(P + "changes/new/", views.change_raise, name="change-raise"),
    path(P + "changes/<str:ref>/", views.change_detail, name="change"),
    path(P + "changes/<str:ref>/decide/", views.change_decide, name="change-decide"),
    path(P + "changes/<str:ref>/archive/", views.change_archive, name="change-archive"),
    path(P + "changes/<str:ref>/restore/", views.change_restore, name="change-restore"),
    path(P + "documents/", views.documents, name="documents"),
    path(P + "documents/new/", views.document_edit, name="document-create"),
    path(P + "documents/<str:doc_code>/", views.document, name="document"),
    path(P + "documents/<str:doc_code>/edit/", views.document_edit, name="document-edit"),
    path(P + "documents/<str:doc_code>/versions/new/", views.version_edit, name="version-add"),
    path(P + "documents/<str:doc_code>/versions/<int:version_id>/", views.version_edit, name="version-edit"),
    path(P + "documents/<str:doc_code>/signoffs/new/", views.signoff_edit, name="signoff-add"),
    path(P + "documents/<str:doc_code>/signoffs/<int:signoff_id>/", views.signoff_edit, name="signoff-edit"),
]
