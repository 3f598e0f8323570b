from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "bistand.staff"
    verbose_name = "Personal och behörigheter"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the checks
