"""Underrättelser: staff pages under /handlaggning/… only; nothing under /mina-sidor/ (a notice
is never shown to the household)."""

from django.urls import path

from . import views

app_name = "underrattelse"
urlpatterns = [
    path("handlaggning/underrattelser/", views.listing, name="list"),
    path("handlaggning/underrattelser/<int:pk>.pdf", views.pdf, name="pdf"),
    path("handlaggning/ansokan/<int:pk>/underrattelse/", views.create, name="create"),
]
