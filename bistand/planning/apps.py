from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "bistand.planning"
    label = "planning"
    verbose_name = "Planeringsmöten"
