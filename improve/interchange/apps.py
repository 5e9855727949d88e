from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "improve.interchange"
    label = "interchange"
    verbose_name = "Workbook and interchange"

    def ready(self) -> None:
        from improve.core.registry import NavEntry, Room, registry

        registry.register(
            Room(
                label="interchange",
                title="Workbook",
                nav=(
                    NavEntry(
                        "Workbook",
                        "interchange:workbook",
                        "view",
                        800,
                        frozenset({"interchange:import", "interchange:import-confirm"}),
                    ),
                ),
            )
        )
