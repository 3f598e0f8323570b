"""Background task (django-tasks, database backend): the urgent request's proposal."""

from __future__ import annotations

from django_tasks import task

from . import services


@task(priority=10)  # before the month's applications: the applicant needs it today
def propose_urgent(request_id: int) -> str:
    proposal = services.make_proposal(request_id)
    return f"proposal {proposal.pk}"
