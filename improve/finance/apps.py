from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "improve.finance"
    label = "finance"
    verbose_name = "Money"

    def ready(self) -> None:
        from improve.core.registry import registry
        from improve.finance.room import ROOM

        registry.register(ROOM)
