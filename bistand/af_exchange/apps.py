from django.apps import AppConfig


class AfExchangeConfig(AppConfig):
    name = "bistand.af_exchange"
    label = "af_exchange"
    verbose_name = "Utbyte med Arbetsförmedlingen"

    def ready(self) -> None:
        from bistand.core import extensions

        from . import views

        extensions.register(
            extensions.CASE, "af_exchange/_case_panel.html", views.case_panel, order=70
        )
        extensions.register(
            extensions.STAFF_LINKS, "af_exchange/_staff_link.html", views.staff_link, order=70
        )
