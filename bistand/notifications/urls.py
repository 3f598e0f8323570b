"""Aviseringar: staff pages under /handlaggning/… and the applicant's under /mina-sidor/…
(included at the root by bistand/urls.py, so each path here is written out in full)."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("mina-sidor/aviseringar/", views.contact, name="contact"),
    path("handlaggning/aviseringar/misslyckade/", views.failed, name="failed"),
]
