from django.apps import AppConfig


class ParametersConfig(AppConfig):
    name = "bistand.parameters"
    label = "parameters"
    verbose_name = "Parametrar"
