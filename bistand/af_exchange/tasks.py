"""Background tasks (django-tasks, database backend) of the exchange with Arbetsförmedlingen.

* ``send_outgoing(id)``: one sending run of a queued notice; a failed run queues the next one
  itself (exchange.py says when), so retries survive a restart of the worker.
* ``fetch_incoming()``: fetch AF's new notices for every municipality.
* ``poll_periodically()``: the worker's housekeeping calls it (``bistand worker``, every five
  minutes): it queues ``fetch_incoming`` when ``AF_EXCHANGE_POLL_SECONDS`` have passed since
  the last fetch, and a task for any queued notice whose task was lost (nothing lost).
"""

from __future__ import annotations

import logging

from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task

log = logging.getLogger(__name__)


@task(priority=-20)
def send_outgoing(outgoing_id: int) -> str:
    from . import exchange

    return exchange.send(outgoing_id).status


@task(priority=-20)
def fetch_incoming() -> dict:
    from . import exchange

    result = exchange.poll()
    return {
        "stored": result.stored,
        "again": result.again,
        "unmatched": result.unmatched,
        "matched_later": result.matched_later,
        "errors": len(result.errors),
    }


def _path(t) -> str:
    return f"{t.func.__module__}.{t.func.__qualname__}"


SEND_TASK_PATH = _path(send_outgoing)
FETCH_TASK_PATH = _path(fetch_incoming)


def enqueue_send(outgoing_id: int, run_after=None) -> None:
    t = send_outgoing if run_after is None else send_outgoing.using(run_after=run_after)
    t.enqueue(outgoing_id)


def _waiting(task_path: str):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=task_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )


def poll_periodically() -> dict:
    """Queue what is due; never raises (the robot's queue matters more): failures are logged."""
    from .exchange import conf
    from .models import AfExchangeCursor, OutgoingAfNotice, OutgoingStatus

    done = {"fetch": False, "requeued": 0}
    try:
        now = timezone.now()
        last = (
            AfExchangeCursor.objects.exclude(last_attempt_at=None)
            .order_by("last_attempt_at")
            .values_list("last_attempt_at", flat=True)
            .first()
        )
        due = last is None or (now - last).total_seconds() >= conf("AF_EXCHANGE_POLL_SECONDS")
        if due and not _waiting(FETCH_TASK_PATH).exists():
            fetch_incoming.enqueue()
            done["fetch"] = True
        waiting = {
            row["args"][0]
            for row in _waiting(SEND_TASK_PATH).values_list("args_kwargs", flat=True)
            if row.get("args")
        }
        lost = OutgoingAfNotice.objects.filter(status=OutgoingStatus.QUEUED).filter(
            Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)
        )
        for pk in lost.values_list("pk", flat=True):
            if pk not in waiting:
                enqueue_send(pk)
                done["requeued"] += 1
    except Exception:
        log.exception("af exchange: the periodic poll could not be queued; next turn tries again")
    return done
