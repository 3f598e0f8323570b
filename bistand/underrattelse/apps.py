from django.apps import AppConfig


class UnderrattelseConfig(AppConfig):
    name = "bistand.underrattelse"
    label = "underrattelse"
    verbose_name = "Underrättelser"

    def ready(self) -> None:
        from bistand.core import extensions

        from . import views

        extensions.register(
            extensions.CASE, "underrattelse/_case_panel.html", views.case_panel, order=90
        )
        extensions.register(
            extensions.STAFF_LINKS, "underrattelse/_staff_link.html", views.staff_link, order=90
        )
