from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "improve.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Each room registers what it contributes when its own app is ready; nothing to do here.
        pass
