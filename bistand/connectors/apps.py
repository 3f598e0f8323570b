from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "bistand.connectors"
    verbose_name = "Registerkällor (SSBTEK)"
