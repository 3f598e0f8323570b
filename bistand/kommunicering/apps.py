from django.apps import AppConfig


class KommuniceringConfig(AppConfig):
    name = "bistand.kommunicering"
    label = "kommunicering"
    verbose_name = "Kommunicering"

    def ready(self) -> None:
        from bistand.core import extensions

        from . import views

        extensions.register(
            extensions.CASE, "kommunicering/_case_panel.html", views.case_panel, order=20
        )
        extensions.register(
            extensions.STAFF_LINKS, "kommunicering/_staff_link.html", views.staff_link, order=20
        )
        extensions.register(
            extensions.MINASIDOR_HOME,
            "kommunicering/_minasidor_home.html",
            views.minasidor_home_panel,
            order=10,
        )
        extensions.register(
            extensions.MINASIDOR_APPLICATION,
            "kommunicering/_minasidor_application.html",
            views.minasidor_application_panel,
            order=10,
        )
