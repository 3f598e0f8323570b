"""Akut hjälp (nödbistånd): staff pages under /handlaggning/… and the applicant's under /mina-
sidor/… (included at the root by bistand/urls.py, so each path here is written out in full)."""

from django.urls import path

from . import views

app_name = "urgent"
urlpatterns = [
    path("handlaggning/akut/", views.queue, name="queue"),
    path("handlaggning/akut/<int:pk>/", views.detail, name="detail"),
    path("handlaggning/akut/<int:pk>/forslag/", views.propose_now, name="propose"),
    path("handlaggning/akut/<int:pk>/beslut/", views.decide, name="decide"),
    path("handlaggning/akut/<int:pk>/beslut.pdf", views.letter, name="letter"),
    path("handlaggning/akut/<int:pk>/betala/", views.export, name="export"),
    path("handlaggning/akut/<int:pk>/pain001.xml", views.payment_xml, name="pain001"),
    path("handlaggning/akut/<int:pk>/utbetald/", views.paid, name="paid"),
    path("handlaggning/ansokan/<int:pk>/akut/", views.register, name="register"),
    path("mina-sidor/akut/", views.apply, name="apply"),
    path("mina-sidor/akut/<int:pk>/beslut.pdf", views.applicant_letter, name="applicant-letter"),
]
