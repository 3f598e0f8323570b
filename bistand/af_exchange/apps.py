from django.apps import AppConfig


class AfExchangeConfig(AppConfig):
    name = "bistand.af_exchange"
    label = "af_exchange"
    verbose_name = "Utbyte med Arbetsförmedlingen"
