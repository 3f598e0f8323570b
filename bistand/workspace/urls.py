from django.urls import path

from .views import applicant, case, decide, letter, membership, payments, queue, work

app_name = "workspace"
urlpatterns = [
    path("", queue.queue_list, name="queues"),
    path("ko/<slug:queue>/", queue.queue_list, name="queue"),
    path("ansokan/<int:pk>/", case.application_detail, name="application"),
    path("ansokan/<int:pk>/godkann/", decide.approve, name="approve"),
    path(
        "ansokan/<int:pk>/godkann/<int:approval>/",
        decide.confirm_approval,
        name="confirm_approval",
    ),
    path("ansokan/<int:pk>/andra/<str:what>/", decide.adjust, name="adjust"),
    path("ansokan/<int:pk>/avsla/", decide.refuse, name="refuse"),
    path("ansokan/<int:pk>/komplettering/", decide.request_completion, name="completion"),
    path("ansokan/<int:pk>/journal/", work.journal, name="journal"),
    path("ansokan/<int:pk>/berakna-igen/", decide.recalculate, name="recalculate"),
    path("ansokan/<int:pk>/meddelande/", applicant.message, name="message"),
    path("ansokan/<int:pk>/bilaga/<int:attachment_pk>/", applicant.attachment, name="attachment"),
    path("ansokan/<int:pk>/ta/", work.take, name="take"),
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
    path("ansokan/<int:pk>/tilldela/", work.assign, name="assign"),
    path("stickprov/<int:pk>/", work.stickprov_outcome, name="stickprov"),
    path("beslut/<int:pk>/brev.pdf", letter.letter_pdf, name="letter"),
    path("utbetalningar/", payments.payments, name="payments"),
    path("utbetalningar/<int:pk>/<str:kind>/", payments.payment_file, name="payment_file"),
]
