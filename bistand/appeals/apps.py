from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "bistand.appeals"
    label = "appeals"
    verbose_name = "Överklaganden"
