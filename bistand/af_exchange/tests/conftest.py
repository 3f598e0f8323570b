"""The exchange's tests: the register simulator (playing Arbetsförmedlingen) over real HTTP."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from bistand.af_exchange import tasks
from bistand.cases import seeding

KOMMUNKOD = "0000"
#: Test personnummer (Skatteverket's test series), in the 12-digit form.
KNOWN = "191212121212"
PARTNER = "191212121220"
STRANGER = "191212121238"


@pytest.fixture
def municipality(db):
    municipality = seeding.get_municipality()
    municipality.kommunkod = KOMMUNKOD
    municipality.save()
    return municipality


@pytest.fixture
def af(register_simulator, settings, municipality):
    """The simulator (AF's side), short timeouts, and retries that wait no time."""
    settings.REGISTER_TIMEOUT_SECONDS = 0.3
    settings.REGISTER_ATTEMPTS = 3
    settings.AF_EXCHANGE_RETRY_SECONDS = 0
    settings.AF_EXCHANGE_MAX_ATTEMPTS = 3
    return register_simulator


def run_tasks(limit: int = 50) -> int:
    """Run the exchange's queued tasks as the worker would (run_after already due)."""
    done = 0
    paths = (tasks.SEND_TASK_PATH, tasks.FETCH_TASK_PATH)
    while done < limit:
        row = DBTaskResult.objects.filter(status="READY", task_path__in=paths).first()
        if row is None:
            return done
        row.delete()
        task = (
            tasks.send_outgoing if row.task_path == tasks.SEND_TASK_PATH else tasks.fetch_incoming
        )
        task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        done += 1
    return done
