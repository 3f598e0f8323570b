from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "bistand.staff"
    verbose_name = "Personal och behörigheter"
