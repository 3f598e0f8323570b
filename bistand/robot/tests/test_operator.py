"""`bistand robot stopped|rerun`: the operator sees what the robot could not finish and why,
and sends it back once the cause is mended."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bistand.audit.models import AuditEvent
from bistand.cases.models import State
from bistand.robot import pipeline

pytestmark = pytest.mark.django_db

JANUARY_2027 = "2027-01"


def run(*args) -> str:
    out = StringIO()
    call_command("robot", *args, stdout=out)
    return out.getvalue()


def test_the_operator_lists_the_stopped_applications_and_sends_them_back(world):
    world.put_registers(JANUARY_2027)
    application = world.submit(month=JANUARY_2027)
    assert pipeline.process(application.pk) == "handed-over"

    listed = run("stopped")
    assert f"ansökan {application.pk} " in listed and "MISSING_PARAMETER" in listed
    assert "Riksnormen för januari 2027 är inte inlagd" in listed
    assert "1 ansökan väntar utan beräkning" in listed
    assert "missing_parameter" in listed
    [row] = json.loads(run("stopped", "--json", "--month", JANUARY_2027))
    assert row["application"] == application.pk and row["failure"]["stage"] == "calculation"
    assert json.loads(run("stopped", "--json", "--month", "2026-12")) == []

    with pytest.raises(CommandError, match="id eller --all"):
        run("rerun")
    with pytest.raises(CommandError, match="999999"):
        run("rerun", "999999")

    assert "1 ansökan skickad tillbaka" in run("rerun", str(application.pk))
    application.refresh_from_db()
    assert application.state == State.ROBOT_PROCESSING
    transition = AuditEvent.objects.filter(
        action="application.transition", subject=f"application:{application.pk}"
    ).last()
    assert transition.actor == "system:operator"
    assert "0 ansökningar väntar" in run("stopped")
