"""`bistand seed`, `worker --until-idle`, `report` and `stickprov`, as an operator runs them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from bistand.audit.services import verify_chain
from bistand.cases.models import Application, State
from bistand.decisions import stickprov
from bistand.decisions.models import Decision, StickprovControl, StickprovDraw
from bistand.robot.checks import FLAG_CODES

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_then_worker_then_report(register_simulator):
    output = run("seed", "--households", "60", "--month", "2025-04", "--policy", "automated")
    assert "60 hushåll" in output and "inplanterade avvikelser" in output
    assert Application.objects.filter(month="2025-04", state=State.SUBMITTED).count() == 60
    # Idempotent: the same seed again makes no second application.
    again = run("seed", "--households", "60", "--month", "2025-04")
    assert "60 fanns redan" in again
    run("worker", "--until-idle")
    report = json.loads(run("report", "--month", "2025-04"))
    states = report["applications_by_state"]
    assert states["submitted"] == 0 and states["robot_processing"] == 0
    assert states["decided"] + states["proposal_ready"] == 60
    assert report["decisions"]["automated"] == states["decided"] > 0
    assert report["decisions"]["manual"] == 0
    assert report["flags"] and set(report["flags"]) <= set(FLAG_CODES)
    assert report["duplicates"] == []
    # Every automated decision got its letter, archived by its own task after the decision.
    from bistand.letters.models import DecisionLetter

    assert DecisionLetter.objects.count() == report["decisions"]["automated"]
    assert verify_chain().ok
    # The next month: the same households apply again and are compared with this month.
    run("seed", "--households", "60", "--month", "2025-05")
    assert Application.objects.filter(month="2025-05", kind="repeat").count() == 60


def test_report_refuses_a_bad_month():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ÅÅÅÅ-MM"):
        run("report", "--month", "May")


def test_seed_without_a_simulator_says_how_to_start_it(settings):
    from django.core.management.base import CommandError

    settings.REGISTER_SIMULATOR_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError, match="bistand simulator"):
        run("seed", "--households", "1", "--month", "2025-04")


def test_seed_for_a_month_whose_history_has_no_parameters_says_so(register_simulator):
    """Seeding calculates last month's history: a month before any riksnorm is a clear
    'parameter saknas' (exit 3), not a traceback."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="parameter saknas") as raised:
        run("seed", "--households", "1", "--month", "2022-06")
    assert raised.value.returncode == 3


def test_stickprov_draw_is_reproducible_and_outcomes_are_counted(register_simulator):
    run("seed", "--households", "40", "--month", "2025-04", "--policy", "automated")
    run("worker", "--until-idle")
    decided = list(
        Decision.objects.filter(application__month="2025-04").values_list("pk", flat=True)
    )
    assert decided
    first = stickprov.select(decided, 25, "frö-1")
    assert first == stickprov.select(list(reversed(decided)), 25, "frö-1")
    assert len(first) == -(-len(decided) * 25 // 100)
    output = run(
        "stickprov",
        "draw",
        "--month",
        "2025-04",
        "--municipality",
        "exempelkommun",
        "--percent",
        "25",
        "--seed",
        "frö-1",
    )
    assert f"{len(first)} av {len(decided)} beslut" in output
    draw = StickprovDraw.objects.get()
    assert draw.seed == "frö-1"
    assert sorted(draw.controls.values_list("decision_id", flat=True)) == first
    control = StickprovControl.objects.first()
    run(
        "stickprov",
        "control",
        "--decision",
        str(control.decision_id),
        "--outcome",
        "wrong_income",
        "--note",
        "Lön saknades",
    )
    report = json.loads(run("report", "--month", "2025-04"))
    assert report["stickprov"]["drawn"] == len(first)
    assert report["stickprov"]["outcomes"]["wrong_income"] == 1
    assert report["stickprov"]["outcomes"]["pending"] == len(first) - 1
    listing = json.loads(
        run("stickprov", "list", "--month", "2025-04", "--municipality", "exempelkommun")
    )
    assert {row["decision"] for row in listing} == set(first)
