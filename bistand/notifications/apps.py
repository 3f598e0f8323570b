from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bistand.notifications"
    label = "notifications"
    verbose_name = "Aviseringar"

    def ready(self) -> None:
        from . import hooks

        hooks.connect()
