"""Appenders running at the same time on PostgreSQL take turns: the chain never forks."""

import threading

import pytest
from django.db import connection, connections, transaction

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor, record, verify_chain

THREADS = 8
EVENTS_PER_THREAD = 15


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time (BEGIN IMMEDIATE) by itself; the lock under "
    "test here is PostgreSQL's row lock on the chain head",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appenders_make_one_gap_free_chain():
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            start.wait(timeout=30)
            for number in range(EVENTS_PER_THREAD):
                with transaction.atomic():  # the caller's transaction, as in real code
                    record(
                        "application.transition",
                        actor=Actor.system(f"worker-{worker}"),
                        case_id=worker + 1,
                        data={"n": number},
                    )
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()  # each thread had a connection of its own

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    total = THREADS * EVENTS_PER_THREAD
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == (
        list(range(1, total + 1))
    )
    assert AuditEvent.objects.values("prev_hash").distinct().count() == total
    result = verify_chain()
    assert result.ok, result.reason
    assert result.checked == total
