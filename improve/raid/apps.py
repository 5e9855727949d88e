from django.apps import AppConfig


class RaidConfig(AppConfig):
    name = "improve.raid"
    label = "raid"
    verbose_name = "Risks, issues, assumptions and dependencies"

    def ready(self) -> None:
        from improve.core.registry import registry
        from improve.raid.room import ROOM

        registry.register(ROOM)
