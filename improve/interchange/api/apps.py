from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read API: every room's registers as JSON and CSV, personal API tokens, the OpenAPI schema.

    A part of the interchange room, in an app of its own so that its tables (the tokens) have
    their own migrations.
    """

    name = "improve.interchange.api"
    label = "interchange_api"
    verbose_name = "Read API"

    def ready(self) -> None:
        from improve.core.registry import Room, registry
        from improve.interchange.api.models import ApiToken

        registry.register(Room(label="interchange_api", title="Read API", audited_models=(ApiToken,)))
