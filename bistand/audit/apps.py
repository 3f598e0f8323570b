from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bistand.audit"
    verbose_name = "Granskningslogg"
