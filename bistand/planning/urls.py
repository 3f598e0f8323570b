"""Planeringsmöten: staff pages under /handlaggning/… and the applicant's under /mina-sidor/…
(included at the root by bistand/urls.py, so each path here is written out in full)."""

from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("handlaggning/planering/", views.queue, name="queue"),
    path("handlaggning/planering/tider/", views.slots, name="slots"),
    path("handlaggning/planering/tider/<int:pk>/ta-bort/", views.withdraw, name="withdraw"),
    path("handlaggning/planering/mote/<int:pk>/", views.meeting, name="meeting"),
    path("handlaggning/ansokan/<int:pk>/planering/bjud-in/", views.invite, name="invite"),
    path("mina-sidor/planeringsmote/", views.booking_page, name="minasidor"),
]
