from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "bistand.workspace"
    verbose_name = "Handläggning"
