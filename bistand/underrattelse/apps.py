from django.apps import AppConfig


class UnderrattelseConfig(AppConfig):
    name = "bistand.underrattelse"
    label = "underrattelse"
    verbose_name = "Underrättelser"
