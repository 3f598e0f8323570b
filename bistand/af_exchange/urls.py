"""Utbyte med Arbetsförmedlingen: staff pages under /handlaggning/… (included at the root by
bistand/urls.py, so each path here is written out in full)."""

from django.urls import path

from . import views

app_name = "af_exchange"
urlpatterns = [
    path("handlaggning/arbetsformedlingen/", views.overview, name="overview"),
    path(
        "handlaggning/arbetsformedlingen/<int:pk>/skicka-igen/",
        views.resend,
        name="resend",
    ),
]
