"""Överklaganden: staff pages under /handlaggning/… and the applicant's under /mina-sidor/…
(included at the root by bistand/urls.py, so each path here is written out in full)."""

from django.urls import path

from . import minasidor, urgent_views, views

app_name = "appeals"

STAFF = "handlaggning/ansokan/<int:pk>/overklagande/"
ONE = STAFF + "<int:appeal_pk>/"
URGENT = "handlaggning/akut/<int:pk>/overklagande/"
URGENT_ONE = URGENT + "<int:appeal_pk>/"

urlpatterns = [
    path("handlaggning/overklaganden/", views.queue, name="queue"),
    path(STAFF + "post/", views.record_post, name="post"),
    path(STAFF + "brevlada/", views.send_mailbox, name="mailbox"),
    path(STAFF + "registrera/", views.register_paper, name="register"),
    path(ONE + "rattidsprova/", views.examine, name="examine"),
    path(ONE + "avvisa/", views.dismiss, name="dismiss"),
    path(ONE + "omprova/", views.reconsider, name="reconsider"),
    path(ONE + "nytt-beslut/", views.after_remand, name="after-remand"),
    path(ONE + "verkstall-dom/", views.court_judgment, name="court-judgment"),
    path(ONE + "overlamna/", views.forward, name="forward"),
    path(ONE + "domstol/", views.court, name="court"),
    path(ONE + "avvisning.pdf", views.dismissal_letter, name="dismissal-letter"),
    path(ONE + "beslut/<int:reconsideration_pk>.pdf", views.reconsideration_letter, name="letter"),
    path(ONE + "akt.pdf", views.bundle, name="bundle"),
    path(ONE + "bilaga/<int:attachment_pk>/", views.attachment, name="attachment"),
    path(URGENT, urgent_views.page, name="urgent"),
    path(URGENT + "post/", urgent_views.record_post, name="urgent-post"),
    path(URGENT + "registrera/", urgent_views.register_paper, name="urgent-register"),
    path(URGENT_ONE + "rattidsprova/", urgent_views.examine, name="urgent-examine"),
    path(URGENT_ONE + "avvisa/", urgent_views.dismiss, name="urgent-dismiss"),
    path(URGENT_ONE + "overlamna/", urgent_views.forward, name="urgent-forward"),
    path(URGENT_ONE + "domstol/", urgent_views.court, name="urgent-court"),
    path(
        URGENT_ONE + "avvisning.pdf",
        urgent_views.dismissal_letter,
        name="urgent-dismissal-letter",
    ),
    path(URGENT_ONE + "akt.pdf", urgent_views.bundle, name="urgent-bundle"),
    path(
        URGENT_ONE + "bilaga/<int:attachment_pk>/",
        urgent_views.attachment,
        name="urgent-attachment",
    ),
    path(
        "mina-sidor/akut/<int:pk>/overklaga/",
        urgent_views.applicant_appeal,
        name="minasidor-urgent",
    ),
    path(
        "mina-sidor/akut/<int:pk>/overklagande/<int:appeal_pk>/avvisning.pdf",
        urgent_views.applicant_dismissal,
        name="minasidor-urgent-dismissal",
    ),
    path("mina-sidor/ansokan/<int:pk>/overklaga/", minasidor.appeal, name="minasidor-appeal"),
    path(
        "mina-sidor/ansokan/<int:pk>/overklagande/<int:appeal_pk>/avvisning.pdf",
        minasidor.letter,
        {"which": "avvisning"},
        name="minasidor-dismissal",
    ),
    path(
        "mina-sidor/ansokan/<int:pk>/overklagande/<int:appeal_pk>/beslut/<int:item>.pdf",
        minasidor.letter,
        {"which": "beslut"},
        name="minasidor-letter",
    ),
]
