"""Background tasks (django-tasks, database backend): one task per application."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

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


def enqueue(application_id: int) -> None:
    """Queue the robot for an application once the current transaction has committed."""

    def _enqueue() -> None:
        Application.objects.filter(pk=application_id).update(robot_enqueued_at=timezone.now())
        process_application.enqueue(application_id)

    transaction.on_commit(_enqueue)
