from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "bistand.letters"
    verbose_name = "Beslutsbrev"
