from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("", views.process, name="process"),
    path("utfall/", views.outcomes, name="outcomes"),
    path("nyckeltal/", views.key_figures, name="keyfigures"),
    path("tabell/<slug:table_id>.csv", views.table_csv, name="csv"),
]
