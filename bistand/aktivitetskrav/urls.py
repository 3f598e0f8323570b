"""Aktivitetskrav: staff pages under /handlaggning/… and the applicant's under /mina-sidor/…
(included at the root by bistand/urls.py, so each path here is written out in full)."""

from django.urls import path

from . import views

app_name = "aktivitetskrav"

STAFF = "handlaggning/ansokan/<int:pk>/aktivitetskrav/"

urlpatterns = [
    path(f"{STAFF}plan/<int:person_id>/", views.plan, name="plan"),
    path(f"{STAFF}undantag/<int:person_id>/", views.exemption, name="exemption"),
    path(f"{STAFF}narvaro/<int:person_id>/", views.attendance, name="attendance"),
    path(
        f"{STAFF}franvaro/<int:attendance_id>/bedom/",
        views.assess_absence,
        name="assess-absence",
    ),
    path(f"{STAFF}lakarintyg/<int:certificate_id>/", views.certificate, name="certificate"),
    path(
        f"{STAFF}lakarintyg/ny/<int:person_id>/",
        views.register_certificate,
        name="register-certificate",
    ),
    path(f"{STAFF}nedsattning/", views.reduction, name="reduction"),
    path("handlaggning/aktivitetskrav/ivo/", views.ivo, name="ivo"),
    path(
        "mina-sidor/ansokan/<int:pk>/aktivitetskrav/franvaro/",
        views.report_absence,
        name="report-absence",
    ),
    path(
        "mina-sidor/ansokan/<int:pk>/aktivitetskrav/lakarintyg/",
        views.upload_certificate,
        name="upload-certificate",
    ),
]
