from django.urls import path

from . import views

app_name = "parameters"

urlpatterns = [
    path("hjalp/", views.help_text, name="help"),
    path("provkorning/", views.dry_run_page, name="dry_run"),
]
