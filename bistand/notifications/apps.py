from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bistand.notifications"
    label = "notifications"
    verbose_name = "Aviseringar"
