"""The read API's addresses. A register is found in the registry when it is asked for, so a room's
registers are served (and described in the schema) however late the room registers."""

from django.urls import path

from improve.interchange.api import views

app_name = "api"
P = "api/programmes/<slug:slug>/"
urlpatterns = [
    path("api/programmes/", views.as_api_view(views.ProgrammesView, "signed_in"), name="programmes"),
    path(P, views.as_api_view(views.ProgrammeView, views.READ_PERM), name="programme"),
    path(f"{P}<str:register>/", views.as_api_view(views.RegisterView, views.READ_PERM), name="register"),
    path("api/schema/", views.as_api_view(views.SchemaView, "signed_in"), name="schema"),
    path("api/docs/", views.docs, name="docs"),
    path("api/tokens/", views.tokens, name="tokens"),
]
