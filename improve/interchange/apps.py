from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "improve.interchange"
    label = "interchange"
    verbose_name = "Workbooks and data exchange"
