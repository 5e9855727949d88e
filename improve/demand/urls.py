from django.urls import path

from improve.demand import views

app_name = "demand"
urlpatterns = [
    path("programmes/<slug:slug>/demand/", views.quality, name="quality"),
    path("programmes/<slug:slug>/demand/loads/<int:load>/", views.load, name="load"),
    path("programmes/<slug:slug>/demand/children/", views.children, name="children"),
]
