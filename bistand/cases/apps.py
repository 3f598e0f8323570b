from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "bistand.cases"
    verbose_name = "Ärenden"
