from django.urls import path

from improve.tests_room import views

app_name = "tests_room"
urlpatterns = [path("programmes/<slug:slug>/notes/", views.notes, name="notes")]
