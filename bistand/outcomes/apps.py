from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "bistand.outcomes"
    label = "outcomes"
    verbose_name = "Avslut och utfall"
