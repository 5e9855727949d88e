from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "improve.reporting"
    label = "reporting"
    verbose_name = "Highlight reports, dashboards and board packs"

    def ready(self) -> None:
        from improve.core.registry import registry
        from improve.reporting.room import ROOM

        registry.register(ROOM)
