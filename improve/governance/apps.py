from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "improve.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from improve.core.registry import registry
        from improve.governance.room import ROOM

        registry.register(ROOM)
