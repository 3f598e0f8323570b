"""Exports running at the same time on PostgreSQL never put one order in two batches."""

import threading

import pytest
from django.db import connection, connections

from bistand.payments import services
from bistand.payments.models import PaymentBatch, PaymentOrder, PaymentStatus

from .conftest import EXPORTER

EXPORTS = 4
ORDERS = 30


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time (BEGIN IMMEDIATE) by itself; what is under "
    "test here is the row lock and compare-and-swap on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_exports_never_share_an_order(orders, municipality, today):
    made = [orders.make(100 * (n + 1)) for n in range(ORDERS)]
    start = threading.Barrier(EXPORTS)
    results: list[services.ExportResult] = []
    errors: list[BaseException] = []

    def export() -> None:
        try:
            start.wait(timeout=30)
            results.append(services.export_batch(municipality, today, actor=EXPORTER))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()  # each thread had a connection of its own

    threads = [threading.Thread(target=export) for _ in range(EXPORTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    batches = [r.batch for r in results if r.batch is not None]
    assert len(batches) == 1  # the others found nothing left
    assert PaymentBatch.objects.count() == 1
    batch = PaymentBatch.objects.get()
    assert batch.order_count == ORDERS
    assert batch.total_ore == sum(o.amount_ore for o in made)
    assert set(PaymentOrder.objects.values_list("status", "batch")) == {
        (PaymentStatus.EXPORTED, batch.pk)
    }
