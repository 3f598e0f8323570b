from django.apps import AppConfig


class EserviceConfig(AppConfig):
    name = "bistand.eservice"
    verbose_name = "E-tjänst och Mina sidor"
