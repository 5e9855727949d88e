from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "improve.demand"
    label = "demand"
    verbose_name = "Demand"

    def ready(self) -> None:
        from improve.core.registry import registry
        from improve.demand.room import ROOM

        registry.register(ROOM)
