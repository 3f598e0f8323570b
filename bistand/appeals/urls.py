"""Överklaganden: staff pages under /handlaggning/… and the applicant's under /mina-sidor/…
(included at the root by bistand/urls.py, so each path here is written out in full)."""

from django.urls import path

from . import minasidor, views

app_name = "appeals"

STAFF = "handlaggning/ansokan/<int:pk>/overklagande/"
ONE = STAFF + "<int:appeal_pk>/"

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
