from django.apps import AppConfig


class RobotConfig(AppConfig):
    name = "bistand.robot"
    verbose_name = "Digital medarbetare (robot)"
