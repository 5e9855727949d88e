from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "improve.programmes"
    label = "programmes"
    verbose_name = "Programmes and plans"

    def ready(self) -> None:
        from improve.core.registry import registry
        from improve.programmes.room import ROOM

        registry.register(ROOM)
