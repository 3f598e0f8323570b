from django.apps import AppConfig


class AktivitetskravConfig(AppConfig):
    name = "bistand.aktivitetskrav"
    label = "aktivitetskrav"
    verbose_name = "Aktivitetskrav"

    def ready(self) -> None:
        from bistand.core import extensions
        from bistand.robot import checks as robot_checks
        from bistand.workspace import queues

        from . import panels
        from .checks import CONTRIBUTION, LABELS

        robot_checks.contribute(CONTRIBUTION)
        # the queues' flag filter and the case view name flags from this table (additive)
        queues.FLAG_LABELS.update(LABELS)
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
