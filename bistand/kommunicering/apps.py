from django.apps import AppConfig


class KommuniceringConfig(AppConfig):
    name = "bistand.kommunicering"
    label = "kommunicering"
    verbose_name = "Kommunicering"
