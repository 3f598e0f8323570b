"""Nothing lost: find applications the queue has forgotten and queue them again.

A task can be lost when a worker is killed mid-task (its task row stays
"running" for ever) or when a process dies between committing a submission and
queueing it. The application's state in the database says what still needs
doing, so each worker, when it starts and whenever its queue runs empty, queues
again every application that is

* ``submitted`` with no task waiting for it, or
* ``robot_processing`` whose lease has run out, or whose worker was on this
  machine and is no longer running.

A re-queued application that turns out to be in progress or done is skipped by
``pipeline.claim``; a duplicate task is harmless.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bistand.cases.models import Application, State

from .tasks import LETTER_TASK_PATH, TASK_PATH, archive_decision_letter, process_application


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_dead_leases() -> int:
    """Leases held by a worker on this machine that is no longer running end now."""
    host = socket.gethostname()
    released = 0
    now = timezone.now()
    held = Application.objects.filter(
        state=State.ROBOT_PROCESSING,
        robot_lease_until__gte=now,
        robot_worker__startswith=f"{host}:",
    ).values_list("pk", "robot_worker")
    for pk, owner in held:
        pid = owner.rsplit(":", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            released += Application.objects.filter(pk=pk, robot_worker=owner).update(
                robot_lease_until=now - timedelta(microseconds=1)
            )
    return released


def queued_ids(task_path: str = TASK_PATH) -> set[int]:
    rows = DBTaskResult.objects.filter(
        task_path=task_path, status=TaskResultStatus.READY
    ).values_list("args_kwargs", flat=True)
    return {row["args"][0] for row in rows if row.get("args")}


def needing_a_task() -> list[int]:
    now = timezone.now()
    candidates = Application.objects.filter(
        Q(state=State.SUBMITTED)
        | Q(state=State.ROBOT_PROCESSING, robot_lease_until__lt=now)
        | Q(state=State.ROBOT_PROCESSING, robot_lease_until__isnull=True)
    ).values_list("pk", flat=True)
    queued = queued_ids()
    return [pk for pk in candidates if pk not in queued]


def decisions_without_letter() -> list[int]:
    """Automated decisions whose letter was never archived (a worker died in between)."""
    from bistand.decisions.models import Decision

    missing = Decision.objects.filter(letter__isnull=True).exclude(automated_function="")
    queued = queued_ids(LETTER_TASK_PATH)
    return [pk for pk in missing.values_list("pk", flat=True) if pk not in queued]


def requeue_stalled(already: set[int] | None = None) -> int:
    """Queue what needs a task. ``already``: ids this worker has re-queued before (once each)."""
    release_dead_leases()
    count = 0
    now = timezone.now()
    for application_id in needing_a_task():
        if already is not None:
            if application_id in already:
                continue
            already.add(application_id)
        Application.objects.filter(pk=application_id).update(robot_enqueued_at=now)
        process_application.enqueue(application_id)
        count += 1
    for decision_id in decisions_without_letter():
        key = -decision_id  # letters share the once-only set with applications
        if already is not None:
            if key in already:
                continue
            already.add(key)
        archive_decision_letter.enqueue(decision_id)
        count += 1
    return count


def ready_tasks(robot_only: bool = False) -> bool:
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    if robot_only:
        ready = ready.filter(task_path=TASK_PATH)
    return ready.exists()
