from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "improve.programmes"
    label = "programmes"
    verbose_name = "Programmes and plans"
