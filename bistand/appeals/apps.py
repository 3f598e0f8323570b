from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "bistand.appeals"
    label = "appeals"
    verbose_name = "Överklaganden"

    def ready(self) -> None:
        from bistand.core import extensions

        from . import panels, urgent_views

        extensions.register(
            extensions.CASE, "appeals/_case_panel.html", panels.case_panel, order=40
        )
        extensions.register(
            extensions.STAFF_LINKS, "appeals/_staff_link.html", panels.staff_link, order=40
        )
        extensions.register(
            extensions.MINASIDOR_APPLICATION,
            "appeals/_minasidor_panel.html",
            panels.minasidor_panel,
            order=40,
        )
        extensions.register(
            extensions.MINASIDOR_HOME,
            "appeals/_minasidor_urgent_panel.html",
            urgent_views.minasidor_home_panel,
            order=45,
        )
