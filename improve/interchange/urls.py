from django.urls import path

from improve.interchange import views
from improve.interchange.msproject import views as msproject_views

app_name = "interchange"
P = "programmes/<slug:slug>/workbook/"
urlpatterns = [
    path(P, views.workbook, name="workbook"),
    path(P + "download/", views.export, name="export"),
    path(P + "import/", views.import_workbook, name="import"),
    path(P + "import/confirm/", views.import_confirm, name="import-confirm"),
    path(P + "msproject/", msproject_views.msproject_upload, name="msproject"),
    path(P + "msproject/confirm/", msproject_views.msproject_confirm, name="msproject-confirm"),
    path(P + "msproject/download/", msproject_views.msproject_download, name="msproject-export"),
]
