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
    path("", include("bistand.ops.urls")),  # /health/live, /health/ready, /metrics
]
