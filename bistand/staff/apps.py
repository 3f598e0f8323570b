from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "bistand.staff"
    verbose_name = "Personal och behörigheter"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the checks
        from .roles import sync_role_permissions

        post_migrate.connect(
            sync_role_permissions, sender=self, dispatch_uid="bistand.staff.sync_roles"
        )
