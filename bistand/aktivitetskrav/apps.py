from django.apps import AppConfig


class AktivitetskravConfig(AppConfig):
    name = "bistand.aktivitetskrav"
    label = "aktivitetskrav"
    verbose_name = "Aktivitetskrav"

    def ready(self) -> None:
        from bistand.core import extensions
        from bistand.robot import checks as robot_checks

        from . import panels
        from .checks import CONTRIBUTION

        robot_checks.contribute(CONTRIBUTION)
        extensions.register(
            extensions.CASE, "aktivitetskrav/_case_panel.html", panels.case_panel, order=40
        )
        extensions.register(
            extensions.MINASIDOR_APPLICATION,
            "aktivitetskrav/_minasidor_panel.html",
            panels.minasidor_panel,
            order=40,
        )
        extensions.register(
            extensions.STAFF_LINKS, "aktivitetskrav/_staff_links.html", panels.staff_links
        )
