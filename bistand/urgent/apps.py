from django.apps import AppConfig


class UrgentConfig(AppConfig):
    name = "bistand.urgent"
    label = "urgent"
    verbose_name = "Akut hjälp (nödbistånd)"
