"""The read API's addresses: one per register of every room (made from the registry at start-up)."""

from django.urls import path

from improve.interchange.api import selectors, views

app_name = "api"
P = "api/programmes/<slug:slug>/"
urlpatterns = [
    path("api/programmes/", views.as_api_view(views.ProgrammesView, "signed_in"), name="programmes"),
    path(P, views.as_api_view(views.ProgrammeView, views.READ_PERM), name="programme"),
    *(
        path(
            f"{P}{register.name}/",
            views.as_api_view(views.register_view(register), views.READ_PERM),
            name=f"register-{register.name}",
        )
        for register in selectors.registers()
    ),
    path("api/schema/", views.as_api_view(views.SchemaView, "signed_in"), name="schema"),
    path("api/docs/", views.docs, name="docs"),
    path("api/tokens/", views.tokens, name="tokens"),
]
