"""Kommunicering: staff pages under /handlaggning/… and the applicant's under /mina-sidor/…
(included at the root by bistand/urls.py, so each path here is written out in full)."""

from django.urls import path

from . import views

app_name = "kommunicering"
urlpatterns = [
    path("handlaggning/kommunicering/", views.queue, name="queue"),
    path("handlaggning/ansokan/<int:pk>/kommunicering/ny/", views.send, name="send"),
    path("handlaggning/ansokan/<int:pk>/kommunicering/avsta/", views.waive, name="waive"),
    path(
        "mina-sidor/ansokan/<int:pk>/kommunicering/<int:kommunicering_pk>/svar/",
        views.answer,
        name="answer",
    ),
]
