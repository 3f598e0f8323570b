"""Included under the workspace's prefix, /handlaggning/ (bistand/urls.py)."""

from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("ansokan/<int:pk>/avslut/", views.close, name="close"),
    path(
        "ansokan/<int:pk>/forsorjningshinder/",
        views.record_adult_month,
        name="adult-month",
    ),
    path("avslutsforslag/", views.proposals, name="proposals"),
    path(
        "avslutsforslag/<int:proposal_pk>/avfarda/",
        views.dismiss,
        name="dismiss",
    ),
]
