from django.urls import path

from improve.interchange import views

app_name = "interchange"
P = "programmes/<slug:slug>/workbook/"
urlpatterns = [
    path(P, views.workbook, name="workbook"),
]
