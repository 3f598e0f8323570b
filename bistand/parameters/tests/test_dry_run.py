"""The dry run: a candidate parameter version against the month's pending proposals, before
anyone decides them; nothing is changed."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bistand.cases.models import State
from bistand.decisions.models import CalculationSnapshot, DecisionPolicy, Proposal
from bistand.parameters.services import dry_run
from bistand.robot import pipeline
from bistand.robot.tests.conftest import world  # noqa: F401  (the robot's test household)

# The 2025 couple amount + 100 kr, for January–June 2025 (the world's month is April 2025).
CANDIDATE = """\
id: riksnorm.adults
title: Riksnormen, personliga kostnader för vuxna
versions:
  - valid_from: 2025-01-01
    valid_until: 2025-06-30
    status: official
    reference: Provversion
    source: Test av provkörningen
    values:
      single: {amount: 3910}
      couple: {amount: 7150}
"""


@pytest.fixture
def pending(world):  # noqa: F811
    DecisionPolicy.objects.filter(municipality=world.case.municipality).update(
        automate_clean_repeat_grants=False
    )
    application = world.submit()
    assert pipeline.process(application.pk) == "proposal"
    application.refresh_from_db()
    assert application.state == State.PROPOSAL_READY
    return application


@pytest.fixture
def candidate(tmp_path):
    path = tmp_path / "adults.yaml"
    path.write_text(CANDIDATE, encoding="utf-8")
    return path


def test_the_dry_run_reports_how_many_amounts_change_and_by_how_much(pending, candidate):
    proposals, snapshots = Proposal.objects.count(), CalculationSnapshot.objects.count()
    run = dry_run([candidate], "2025-04")
    # 7 050 → 7 150 for the couple: the proposal's 9 220 kr becomes 9 320 kr
    assert run.summary() == {
        "month": "2025-04",
        "files": [str(candidate)],
        "pending": 1,
        "changed": 1,
        "unchanged": 0,
        "newly_calculable": 0,
        "failing": 0,
        "total_change_ore": 10000,
        "min_change_ore": 10000,
        "max_change_ore": 10000,
    }
    (item,) = run.items
    assert (item.application_id, item.before_ore, item.after_ore) == (pending.pk, 922000, 932000)
    # nothing changed
    pending.refresh_from_db()
    assert pending.state == State.PROPOSAL_READY
    assert pending.proposal.amount_ore == 922000
    assert (Proposal.objects.count(), CalculationSnapshot.objects.count()) == (
        proposals,
        snapshots,
    )


def test_the_command_prints_the_effect_in_swedish_and_as_json(pending, candidate, capsys):
    call_command("parameters", "dry-run", str(candidate), "--month", "2025-04")
    out = capsys.readouterr().out.replace("\u00a0", " ")
    assert "1 beslutsförslag väntar på beslut" in out
    assert "Ändrade belopp: 1" in out
    assert f"ansökan {pending.pk}: 9 220 kr → 9 320 kr (+100 kr)" in out
    assert "Ingenting har ändrats" in out
    call_command("parameters", "dry-run", str(candidate), "--month", "2025-04", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["changed"] == 1 and data["applications"][0]["change_ore"] == 10000


def test_a_month_without_pending_proposals_reports_none(db, candidate):
    assert dry_run([candidate], "2025-05").summary()["pending"] == 0


def test_an_invalid_candidate_names_the_file_and_field(db, tmp_path):
    bad = tmp_path / "ceiling.yaml"
    bad.write_text(
        "id: riksnorm.ceiling\nversions:\n  - valid_from: 2027-01-01\n    status: official\n"
        "    reference: x\n    source: y\n    values: {norm_factor: 1, limits: all,"
        " costs_outside_ceiling: []}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as failed:
        call_command("parameters", "dry-run", str(bad), "--month", "2027-01")
    assert failed.value.returncode == 2
    assert "ceiling.yaml" in str(failed.value) and "values.limits" in str(failed.value)


def test_proposals_the_robot_could_not_calculate_show_what_the_candidate_would_give(world):  # noqa: F811
    """January 2027 without a riksnorm: the robot hands the application over without an
    amount; the dry run with the (test-only) 2027 files shows it would now be calculated."""
    from pathlib import Path

    fixtures = Path(__file__).parents[2] / "rules" / "tests" / "fixtures" / "reform_2027"
    world.put_registers(month="2027-01")
    application = world.submit(month="2027-01")
    pipeline.process(application.pk)
    application.refresh_from_db()
    assert application.state == State.PROPOSAL_READY
    assert application.proposal.calculation_id is None
    riksnorm = [p for p in sorted(fixtures.glob("*.yaml")) if p.name != "cost_types.yaml"]
    run = dry_run(riksnorm, "2027-01")
    summary = run.summary()
    assert summary["pending"] == 1 and summary["newly_calculable"] == 1
    assert summary["changed"] == 0 and summary["failing"] == 0
    (item,) = run.items
    assert item.before_ore is None and item.after_ore > 0
    assert dry_run([], "2027-01").summary()["failing"] == 1  # without the files: still missing
    # The test's 2027 cost catalogue drops home insurance, which this household claims: the
    # dry run says so before anything is entered.
    (item,) = dry_run(sorted(fixtures.glob("*.yaml")), "2027-01").failing
    assert "home_insurance" in item.error


def test_the_administrator_can_dry_run_from_a_page(pending, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bistand.audit.models import AuditEvent
    from bistand.staff.models import Role
    from bistand.staff.testing import make_staff

    client.force_login(make_staff("anna", Role.CASEWORKER))
    assert client.get("/parametrar/provkorning/").status_code == 403
    client.force_login(make_staff("ali", Role.ADMINISTRATOR, is_staff=True))
    assert "parametrar/provkorning/" in client.get("/admin/").content.decode()
    upload = SimpleUploadedFile("adults.yaml", CANDIDATE.encode(), "application/x-yaml")
    response = client.post("/parametrar/provkorning/", {"month": "2025-04", "files": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ändrade belopp: 1" in page and ">932000<" in page and ">10000<" in page
    assert AuditEvent.objects.filter(action="parameters.dry_run").exists()
    pending.refresh_from_db()
    assert pending.proposal.amount_ore == 922000
    bad = SimpleUploadedFile("adults.yaml", b"id: x\n", "application/x-yaml")
    response = client.post("/parametrar/provkorning/", {"month": "2025-04", "files": bad})
    assert response.status_code == 400 and "versions" in response.content.decode()
