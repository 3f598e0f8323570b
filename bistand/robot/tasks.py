"""Background tasks (django-tasks, database backend): one task per application."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bistand.cases.models import Application

from . import pipeline


@task()
def process_application(application_id: int) -> str:
    return pipeline.process(application_id)


def enqueue(application_id: int) -> None:
    """Queue the robot for an application once the current transaction has committed."""

    def _enqueue() -> None:
        Application.objects.filter(pk=application_id).update(robot_enqueued_at=timezone.now())
        process_application.enqueue(application_id)

    transaction.on_commit(_enqueue)
