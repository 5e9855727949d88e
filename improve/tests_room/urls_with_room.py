"""The project's URLs plus the test room's: the one ``include()`` a room adds."""

from django.urls import include, path

from improve.urls import urlpatterns as project_urls

urlpatterns = [*project_urls, path("", include("improve.tests_room.urls"))]
