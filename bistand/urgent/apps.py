from django.apps import AppConfig


class UrgentConfig(AppConfig):
    name = "bistand.urgent"
    label = "urgent"
    verbose_name = "Akut hjälp (nödbistånd)"

    def ready(self) -> None:
        from bistand.core import extensions

        from . import views

        extensions.register(extensions.CASE, "urgent/_case_panel.html", views.case_panel, order=40)
        extensions.register(
            extensions.STAFF_LINKS, "urgent/_staff_link.html", views.staff_link, order=40
        )
        extensions.register(
            extensions.MINASIDOR_HOME, "urgent/_home_panel.html", views.home_panel, order=10
        )
