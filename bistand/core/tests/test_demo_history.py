"""The demo's year of history: closures with reasons, returns, both decision routes with lead
times from minutes to days, försörjningshinder per adult and month, stickprov outcomes; and a
second load adds nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F

from bistand.audit.models import AuditEvent
from bistand.cases import seeding
from bistand.cases.models import Application, Transition
from bistand.core import demo_history
from bistand.decisions.models import ControlOutcome, Decision, StickprovControl
from bistand.outcomes.models import AdultMonth, AssistancePeriod, ExitReason
from bistand.rules.period import Month

MONTH = Month(2026, 12)


@pytest.fixture
def loaded(db):
    municipality = seeding.get_municipality()
    return municipality, demo_history.load(municipality, MONTH)


def check_a_year_of_applications_decided_by_both_routes(loaded):
    _, result = loaded
    months = {str(m) for m in demo_history.months_before(MONTH, 12)}
    assert set(Application.objects.values_list("month", flat=True)) == months
    assert result.applications == Application.objects.count() > 200
    decisions = Decision.objects.annotate(lead=F("decided_at") - F("application__submitted_at"))
    automated = decisions.exclude(automated_function="")
    by_caseworker = decisions.filter(automated_function="", decided_by__isnull=False)
    assert automated.exists() and by_caseworker.exists()
    assert all(d.lead < timedelta(hours=1) for d in automated)
    leads = [d.lead for d in by_caseworker]
    assert any(lead < timedelta(hours=24) for lead in leads)
    assert any(lead > timedelta(days=1) for lead in leads)
    # Every application's state log runs from submitted to decided.
    assert Transition.objects.filter(to_state="submitted").count() == result.applications
    assert Transition.objects.filter(to_state="decided").count() == result.applications


def check_closures_with_reasons_and_returns(loaded):
    _, result = loaded
    closed = AssistancePeriod.objects.filter(closed_at__isnull=False)
    assert closed.count() == result.closed > 0
    codes = set(ExitReason.objects.values_list("code", flat=True))
    assert "work" in codes and len(codes) >= 3
    # Every adult of a closed period has a reason; the closing is dated after the last month.
    for period in closed:
        assert period.exit_reasons.exists()
        assert period.closed_at.date() > Month.parse(period.last_month).last_day
    returns = AssistancePeriod.objects.filter(number=2)
    assert returns.count() == result.returns > 0
    for period in returns:
        first = AssistancePeriod.objects.get(case=period.case, number=1)
        assert first.last_month < period.first_month


def check_hinder_for_every_adult_month_and_stickprov_outcomes(loaded):
    _, result = loaded
    assert AdultMonth.objects.filter(hinder="").count() == 0
    assert AdultMonth.objects.count() >= result.applications
    controls = StickprovControl.objects.all()
    assert controls.count() == result.controls > 0
    assert not controls.filter(outcome=ControlOutcome.PENDING).exists()


def check_automated_decisions_name_the_delegation(loaded):
    """A letter for an automated decision must say under which delegation it was made; without
    it the worker's letter task refused every historic automated decision at each start."""
    from bistand.decisions.models import Decision

    automated = Decision.objects.exclude(automated_function="")
    assert automated.exists()
    assert not automated.filter(delegation_reference="").exists()
    assert not Decision.objects.filter(automated_function="").exclude(delegation_reference="")


def check_loading_again_adds_nothing(loaded):
    municipality, _ = loaded
    before = Application.objects.count()
    again = demo_history.load(municipality, MONTH)
    assert again.skipped
    assert demo_history.load(municipality, Month(2027, 1)).skipped  # `make run` a month later
    assert Application.objects.count() == before
    assert AuditEvent.objects.filter(action="demo.history_imported").count() == 1


def test_the_demo_history(loaded):
    """One load (it takes seconds), checked for each thing the follow-up needs."""
    check_a_year_of_applications_decided_by_both_routes(loaded)
    check_closures_with_reasons_and_returns(loaded)
    check_hinder_for_every_adult_month_and_stickprov_outcomes(loaded)
    check_automated_decisions_name_the_delegation(loaded)
    check_loading_again_adds_nothing(loaded)
