from django.contrib import admin
from django.urls import include, path

from bistand.core import views

admin.site.site_header = "Bistånd – administration"
admin.site.site_title = "Bistånd"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", views.start, name="start"),
    path("admin/", admin.site.urls),
    path("konto/", include("bistand.staff.urls")),
    path("handlaggning/", include("bistand.workspace.urls")),
    path("handlaggning/", include("bistand.outcomes.urls")),  # avslut, försörjningshinder
    path("parametrar/", include("bistand.parameters.urls")),
    path("uppfoljning/", include("bistand.followup.urls")),
    path("api/", include("bistand.api.urls")),
    path("mina-sidor/", include("bistand.eservice.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language form
    path("", include("bistand.kommunicering.urls")),
    path("", include("bistand.appeals.urls")),
    path("", include("bistand.urgent.urls")),
    path("", include("bistand.underrattelse.urls")),
    path("", include("bistand.planning.urls")),
    path("", include("bistand.notifications.urls")),
    path("", include("bistand.aktivitetskrav.urls")),
    path("", include("bistand.af_exchange.urls")),
    path("", include("bistand.ops.urls")),  # /health/live, /health/ready, /metrics
]
