from django.urls import path

from . import applicant, membership, views

app_name = "workspace"
urlpatterns = [
    path("", views.queue_list, name="queues"),
    path("ko/<slug:queue>/", views.queue_list, name="queue"),
    path("ansokan/<int:pk>/", views.application_detail, name="application"),
    path("ansokan/<int:pk>/godkann/", views.approve, name="approve"),
    path(
        "ansokan/<int:pk>/godkann/<int:approval>/",
        views.confirm_approval,
        name="confirm_approval",
    ),
    path("ansokan/<int:pk>/andra/<str:what>/", views.adjust, name="adjust"),
    path("ansokan/<int:pk>/avsla/", views.refuse, name="refuse"),
    path("ansokan/<int:pk>/komplettering/", views.request_completion, name="completion"),
    path("ansokan/<int:pk>/journal/", views.journal, name="journal"),
    path("ansokan/<int:pk>/berakna-igen/", views.recalculate, name="recalculate"),
    path("ansokan/<int:pk>/meddelande/", applicant.message, name="message"),
    path("ansokan/<int:pk>/bilaga/<int:attachment_pk>/", applicant.attachment, name="attachment"),
    path("ansokan/<int:pk>/ta/", views.take, name="take"),
    path(
        "ansokan/<int:pk>/medlem/<int:member_pk>/avsluta/",
        membership.end,
        name="member-end",
    ),
    path(
        "ansokan/<int:pk>/medlem/<int:member_pk>/bekrafta/",
        membership.confirm,
        name="member-confirm",
    ),
    path("ansokan/<int:pk>/tilldela/", views.assign, name="assign"),
    path("stickprov/<int:pk>/", views.stickprov_outcome, name="stickprov"),
    path("beslut/<int:pk>/brev.pdf", views.letter_pdf, name="letter"),
    path("utbetalningar/", views.payments, name="payments"),
    path("utbetalningar/<int:pk>/<str:kind>/", views.payment_file, name="payment_file"),
]
