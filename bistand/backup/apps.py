from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "bistand.backup"
    label = "backup"
    verbose_name = "Säkerhetskopior"
