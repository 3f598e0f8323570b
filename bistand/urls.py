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
    path("api/", include("bistand.api.urls")),
]
