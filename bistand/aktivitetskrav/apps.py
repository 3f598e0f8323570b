from django.apps import AppConfig


class AktivitetskravConfig(AppConfig):
    name = "bistand.aktivitetskrav"
    label = "aktivitetskrav"
    verbose_name = "Aktivitetskrav"
