from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "improve.accounts"
    label = "accounts"
    verbose_name = "Accounts and audit"
