"""From exported to paid, and what the applicant sees about it on Mina sidor."""

from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.cases.models import State
from bistand.payments import services
from bistand.payments.models import PaymentStatus

from .conftest import EXPORTER


def test_the_payment_date_through_pending_exported_and_paid(orders, municipality, today):
    order = orders.make(512300, due=today)
    application = order.application

    pending = services.payment_info(application)
    assert (pending.label, pending.day, pending.amount_ore) == (
        "Planerad utbetalning",
        today,
        512300,
    )
    assert (pending.account, pending.account_missing) == ("8327-9 ••••7890", False)

    result = services.export_batch(municipality, today, actor=EXPORTER)
    exported = services.payment_info(application)
    assert exported.text == f"Skickad till banken, utbetalas {today.isoformat()}"

    assert services.mark_batch_paid(result.batch, actor=EXPORTER) == 1
    assert services.mark_batch_paid(result.batch, actor=EXPORTER) == 0  # once
    order.refresh_from_db()
    application.refresh_from_db()
    assert order.status == PaymentStatus.PAID
    assert application.state == State.PAID
    paid = services.payment_info(application)
    assert paid.text == f"Utbetald {timezone.localdate(order.paid_at).isoformat()}"
    assert AuditEvent.objects.filter(action="payment.paid").count() == 1


def test_mina_sidor_says_when_no_account_is_registered(orders, today):
    order = orders.make(1000, account=None)
    info = services.payment_info(order.application)
    assert (info.account, info.account_missing) == ("", True)


def test_no_payment_info_without_an_order(orders):
    order = orders.make(1000)
    order.delete()
    assert services.payment_info(order.application) is None
