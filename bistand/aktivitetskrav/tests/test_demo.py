"""The demo's household: three months of försörjningsstöd, no plan, flagged by the robot."""

from __future__ import annotations

from bistand.aktivitetskrav import demo
from bistand.cases import seeding
from bistand.cases.models import Application
from bistand.robot import pipeline
from bistand.rules.period import Month


def test_demo_person_is_flagged_with_the_reason(db, register_simulator, settings):
    settings.ROBOT_LEASE_SECONDS = 60
    municipality = seeding.get_municipality(automated=True)
    seeding.seed(3, Month(2026, 12), municipality=municipality, simulator=register_simulator)
    submitted = Application.objects.filter(month="2026-12").count()
    application = demo.load(municipality, Month(2026, 12), register_simulator)
    assert Application.objects.filter(month="2026-12").count() == submitted  # none added
    assert application is not None and application.kind == "repeat"
    assert demo.load(municipality, Month(2026, 12), register_simulator) is None  # once
    pipeline.process_many([application.pk])
    application.refresh_from_db()
    found = [f for f in application.proposal.flags if f["code"] == "AKTIVITETSKRAV_NO_PLAN"]
    assert found, application.proposal.flags
    assert "3 månader i följd (2026-09, 2026-10, 2026-11)" in found[0]["message"]
    assert application.state == "proposal_ready"
