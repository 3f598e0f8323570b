"""Background tasks (django-tasks, database backend): one task per application."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from bistand.cases.models import Application

from . import pipeline

log = logging.getLogger(__name__)


@task()
def process_application(application_id: int) -> str:
    return pipeline.process(application_id)


@task(priority=-10)  # after the applications waiting in the queue
def archive_decision_letter(decision_id: int) -> str:
    """The decision letter of an automated decision, archived after the decision commits.

    Rendering a PDF takes longer than deciding, so it is its own task; it is idempotent, and
    the worker's recovery sweep queues it again for any decision still without a letter.
    """
    from bistand.audit.services import Actor
    from bistand.decisions.models import Decision
    from bistand.letters.services import LetterError, archive_letter

    decision = Decision.objects.select_related("application__case").get(pk=decision_id)
    try:
        return archive_letter(decision, actor=Actor.system("letters")).sha256
    except LetterError as exc:
        # Incomplete data for a lawful letter: a person must fix it; retried on the next start.
        log.error("letters: decision %s has no letter yet: %s", decision_id, exc)
        return f"refused: {exc}"


def _path(task) -> str:
    return f"{task.func.__module__}.{task.func.__qualname__}"


#: The tasks' ``task_path`` in the queue's table (robot/recovery.py, ``run_batch``).
TASK_PATH = _path(process_application)
LETTER_TASK_PATH = _path(archive_decision_letter)


def enqueue(application_id: int) -> None:
    """Queue the robot for an application once the current transaction has committed."""

    def _enqueue() -> None:
        Application.objects.filter(pk=application_id).update(robot_enqueued_at=timezone.now())
        process_application.enqueue(application_id)

    transaction.on_commit(_enqueue)


def run_batch(worker_id: str, size: int | None = None) -> int:
    """Take up to ``size`` (default ``settings.ROBOT_BATCH_SIZE``) queued robot tasks at once
    and run them together (``pipeline.process_many``); returns how many were taken (0: none).

    django-tasks' own worker takes one task per transaction; taking a batch lets the robot
    write its applications together (docs/robot.md, "Batches"). The tasks' rows end exactly as
    the library's worker leaves them (status, times, worker, return value), and its
    ``task_started``/``task_finished`` signals are sent for each. If the worker dies midway,
    the tasks stay RUNNING and the applications keep their lease: the recovery sweep
    (robot/recovery.py) picks them up, as for a single task.
    """
    from django_tasks.signals import task_finished, task_started
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    ready = DBTaskResult.objects.ready().filter(
        backend_name="default",
        queue_name="default",
        task_path=TASK_PATH,
    )
    with exclusive_transaction(ready.db):
        batch = list(ready.select_for_update(skip_locked=True)[: size or settings.ROBOT_BATCH_SIZE])
        now = timezone.now()
        for row in batch:
            row.status, row.started_at = TaskResultStatus.RUNNING, now
            row.worker_ids = [*row.worker_ids, worker_id]
        _save_grouped(batch, ["status", "started_at", "worker_ids"])
    if not batch:
        return 0
    backend = type(process_application.get_backend())
    for row in batch:
        task_started.send(sender=backend, task_result=row.task_result)
    ids = [row.task_result.args[0] for row in batch]
    try:
        outcomes = pipeline.process_many(ids)
    except BaseException as exc:  # as the library's worker does: the tasks fail, not vanish
        for row in batch:
            row.set_failed(exc)
            task_finished.send(sender=backend, task_result=row.task_result)
        if not isinstance(exc, Exception):
            raise  # the worker is being stopped
        log.exception("robot: a batch of %s applications failed", len(batch))
        return len(batch)
    finished = timezone.now()
    for row, application_id in zip(batch, ids, strict=True):
        row.status, row.finished_at = TaskResultStatus.SUCCESSFUL, finished
        row.return_value = outcomes.get(application_id, "skipped")
    _save_grouped(batch, ["status", "finished_at", "return_value"])
    for row in batch:
        task_finished.send(sender=backend, task_result=row.task_result)
    return len(batch)


def _save_grouped(rows: list, fields: list[str]) -> None:
    """Save ``fields`` of task rows with one UPDATE per distinct set of values (a batch has
    few: "decided", "proposal" …), cheaper than ``bulk_update``'s CASE per row."""
    from django_tasks_db.models import DBTaskResult

    groups: dict[str, list] = {}
    for row in rows:
        values = {name: getattr(row, name) for name in fields}
        groups.setdefault(json.dumps(values, default=str, sort_keys=True), []).append(row)
    for members in groups.values():
        values = {name: getattr(members[0], name) for name in fields}
        DBTaskResult.objects.filter(pk__in=[row.pk for row in members]).update(**values)
