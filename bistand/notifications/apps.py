from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bistand.notifications"
    label = "notifications"
    verbose_name = "Aviseringar"

    def ready(self) -> None:
        from bistand.core import extensions

        from . import hooks, panels

        hooks.connect()
        extensions.register(
            extensions.STAFF_LINKS, "notifications/_staff_links.html", panels.staff_links, order=90
        )
        extensions.register(
            extensions.CASE, "notifications/_case_panel.html", panels.case_panel, order=90
        )
        extensions.register(
            extensions.MINASIDOR_HOME,
            "notifications/_minasidor_home.html",
            panels.minasidor_home,
            order=90,
        )
