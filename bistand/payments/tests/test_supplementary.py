"""The difference an omprövning or a court judgment grants (appeals.SupplementaryPayment) is
paid by the same daily file as the decisions: the payee's account, the same skip rules, once."""

from __future__ import annotations

import csv
import io
import threading

import pytest
import xmlschema
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import timezone
from lxml import etree

from bistand.appeals.models import (
    Appeal,
    AppealChannel,
    Reconsideration,
    ReconsiderationKind,
    SupplementaryPayment,
    SupplementaryStatus,
)
from bistand.audit.models import AuditEvent
from bistand.cases.models import State
from bistand.decisions.models import Outcome
from bistand.payments import pain001, services
from bistand.payments.models import PaymentBatch, PaymentOrder, PaymentStatus

from .conftest import EXPORTER

NS = {"p": pain001.NAMESPACE}


def supplement(order: PaymentOrder, amount_ore: int) -> PaymentOrder:
    """An omprövning of ``order``'s decision granting ``amount_ore`` more, with its order."""
    user, _ = get_user_model().objects.get_or_create(username="handlaggare")
    decision = order.decision
    appeal = Appeal.objects.create(
        decision=decision,
        channel=AppealChannel.PAPER,
        text="Jag överklagar.",
        arrived_on=timezone.localdate(),
        registered_by=user,
    )
    reconsideration = Reconsideration.objects.create(
        appeal=appeal,
        decision=decision,
        kind=ReconsiderationKind.OMPROVNING,
        outcome=Outcome.PARTIAL,
        previous_amount_ore=decision.amount_ore,
        new_amount_ore=decision.amount_ore + amount_ore,
        reasons="Hyran var högre.",
        decided_by=user,
        letter_pdf=b"%PDF-1.7",
        letter_sha256="0" * 64,
    )
    payment = SupplementaryPayment.objects.create(
        reconsideration=reconsideration,
        decision=decision,
        payee=order.payee,
        amount_ore=amount_ore,
        due_date=order.due_date,
    )
    return services.create_supplementary_order(payment, actor=EXPORTER)


def test_a_supplement_goes_in_the_days_file_with_the_decisions(orders, municipality, today):
    order = orders.make(512300)
    extra = supplement(order, 75000)

    result = services.export_batch(municipality, today, actor=EXPORTER)

    batch = result.batch
    assert (batch.order_count, batch.total_ore) == (2, 512300 + 75000)
    xmlschema.XMLSchema(str(pain001.XSD_PATH)).validate(str(result.xml_path))
    document = etree.fromstring(result.xml_path.read_bytes())
    transfers = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): tx
        for tx in document.xpath("//p:CdtTrfTxInf", namespaces=NS)
    }
    assert list(transfers) == [f"UTB-{order.pk}", f"UTB-{extra.pk}"]
    tx = transfers[f"UTB-{extra.pk}"]
    assert tx.findtext("p:Amt/p:InstdAmt", namespaces=NS) == "750.00"
    assert tx.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "83271234567890"
    assert tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS) == "Ekonomiskt bistånd 2025-04 tillägg"
    rows = list(
        csv.reader(io.StringIO(result.csv_path.read_bytes().decode("utf-8-sig")), delimiter=";")
    )
    assert rows[2][0] == str(extra.pk) and rows[2][-1] == f"tillägg {extra.supplementary_id}"
    extra.refresh_from_db()
    assert (extra.status, extra.batch_id) == (PaymentStatus.EXPORTED, batch.pk)
    services.verify_batch_files(batch)  # rebuilt byte for byte


def test_a_supplement_is_exported_once(orders, municipality, today):
    extra = supplement(orders.make(100000), 5000)
    first = services.export_batch(municipality, today, actor=EXPORTER)

    rerun = services.export_batch(municipality, today, actor=EXPORTER)

    assert rerun.batch is None
    assert PaymentBatch.objects.count() == 1
    assert list(first.batch.orders.filter(supplementary__isnull=False)) == [extra]
    events = AuditEvent.objects.filter(action="payment.exported")
    assert sorted(e.data["payment"] for e in events).count(extra.pk) == 1


def test_a_supplement_without_an_account_waits_like_any_order(orders, municipality, today):
    order = orders.make(100000, account=None)
    extra = supplement(order, 5000)

    result = services.export_batch(municipality, today, actor=EXPORTER)

    assert result.batch is None
    assert {(s.order_id, s.reason) for s in result.skipped} == {
        (order.pk, services.MISSING_ACCOUNT),
        (extra.pk, services.MISSING_ACCOUNT),
    }
    extra.refresh_from_db()
    assert (extra.status, extra.batch_id) == (PaymentStatus.PENDING, None)


def test_paid_by_the_bank_marks_the_supplement_paid_not_the_application_twice(
    orders, municipality, today
):
    order = orders.make(100000)
    extra = supplement(order, 5000)
    batch = services.export_batch(municipality, today, actor=EXPORTER).batch

    assert services.mark_batch_paid(batch, actor=EXPORTER) == 2
    assert services.mark_batch_paid(batch, actor=EXPORTER) == 0

    payment = SupplementaryPayment.objects.get(pk=extra.supplementary_id)
    assert payment.status == SupplementaryStatus.PAID and payment.paid_at is not None
    order.application.refresh_from_db()
    assert order.application.state == State.PAID
    # Mina sidor shows the decision's own payment, not the supplement.
    assert services.payment_info(order.application).amount_ore == 100000


def test_a_supplement_alone_after_a_paid_decision(orders, municipality, today):
    order = orders.make(100000)
    services.mark_batch_paid(
        services.export_batch(municipality, today, actor=EXPORTER).batch, actor=EXPORTER
    )
    extra = supplement(order, 5000)

    second = services.export_batch(municipality, today, actor=EXPORTER)

    assert list(second.batch.orders.all()) == [extra]
    assert services.mark_batch_paid(second.batch, actor=EXPORTER) == 1
    assert SupplementaryPayment.objects.get().status == SupplementaryStatus.PAID


def test_an_order_is_of_a_decision_or_of_a_supplement_never_both(orders):
    from django.db import IntegrityError, transaction

    order = orders.make(100000)
    extra = supplement(order, 5000)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentOrder.objects.filter(pk=extra.pk).update(decision=orders.make(1).decision)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentOrder.objects.filter(pk=extra.pk).update(supplementary=None)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time by itself; the race is for PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_exports_never_share_a_supplement(orders, municipality, today):
    made = []
    for n in range(8):
        order = orders.make(1000 * (n + 1))
        made += [order, supplement(order, 100 * (n + 1))]
    start = threading.Barrier(4)
    results, errors = [], []

    def export() -> None:
        try:
            start.wait(timeout=30)
            results.append(services.export_batch(municipality, today, actor=EXPORTER))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=export) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert len([r for r in results if r.batch is not None]) == 1
    batch = PaymentBatch.objects.get()
    assert batch.order_count == 16
    assert batch.total_ore == sum(o.amount_ore for o in made)
    assert set(PaymentOrder.objects.values_list("status", "batch")) == {
        (PaymentStatus.EXPORTED, batch.pk)
    }
