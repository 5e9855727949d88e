from django.urls import URLPattern, path  # noqa: F401

app_name = "reporting"
R = "programmes/<slug:slug>/reports/"

urlpatterns: list[URLPattern] = []
