from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "bistand.statistics"
    label = "statistics"
    verbose_name = "Statistik till Socialstyrelsen"
