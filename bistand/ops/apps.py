from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health checks for a load balancer, Prometheus metrics, worker heartbeats."""

    name = "bistand.ops"
    label = "ops"
    verbose_name = "Drift"
