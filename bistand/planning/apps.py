from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "bistand.planning"
    label = "planning"
    verbose_name = "Planeringsmöten"

    def ready(self) -> None:
        from bistand.core import extensions

        from . import panels

        extensions.register(
            extensions.STAFF_LINKS, "planning/_staff_links.html", panels.staff_links
        )
        extensions.register(
            extensions.CASE, "planning/_case_panel.html", panels.case_panel, order=10
        )
        extensions.register(
            extensions.MINASIDOR_HOME,
            "planning/_minasidor_home.html",
            panels.minasidor_home,
            order=10,
        )
