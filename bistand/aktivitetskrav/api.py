"""Aktivitetskrav in the REST API: included under /api/v1/ in the ``api`` namespace
(bistand/api/urls.py); name each route "aktivitetskrav-…"."""

urlpatterns: list = []
