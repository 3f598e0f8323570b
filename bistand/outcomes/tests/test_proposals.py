"""The robot's closing proposal: when a household has not applied for N months (the parameter
national.closure_proposal, 2 months), one open proposal, never two, never for a case that
applied recently or has an application in process."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from bistand.audit.models import AuditEvent
from bistand.outcomes import services, tasks
from bistand.outcomes.models import ClosureProposal

from .conftest import TEST, adults_of, apply, household

pytestmark = pytest.mark.django_db


def test_the_parameter_is_a_dated_local_choice():
    assert services.months_before_closure_proposal(date(2025, 6, 1)) == 2
    version = services.code_table_version(services.CLOSURE_PARAMETER, "2025-06")
    assert version.data["basis"] == "local_choice"


def test_a_household_that_stopped_applying_gets_one_proposal_never_two(units):
    case = household(units[0])
    apply(case, "2025-03")
    assert tasks.propose_closures(date(2025, 5, 20)) == []  # only April has passed: too early
    made = tasks.propose_closures(date(2025, 6, 3))  # April and May passed without one
    assert [(p.case_id, p.months_without_application, p.last_applied_month) for p in made] == [
        (case.pk, 2, "2025-03")
    ]
    assert tasks.propose_closures(date(2025, 6, 4)) == []
    assert tasks.propose_closures(date(2025, 8, 1)) == []
    assert ClosureProposal.objects.filter(case=case).count() == 1
    event = AuditEvent.objects.get(action="case.closure_proposed", case_id=case.pk)
    assert event.actor == "system:robot" and event.data["months"] == 2


def test_no_proposal_for_a_case_with_a_recent_application(units):
    case = household(units[0])
    apply(case, "2025-03")
    apply(case, "2025-04")
    assert tasks.propose_closures(date(2025, 6, 20)) == []


def test_no_proposal_while_an_application_is_in_process(units):
    case = household(units[0])
    apply(case, "2025-01")
    apply(case, "2025-02", decided=False)
    # the application for February is still with the robot
    assert tasks.propose_closures(date(2025, 6, 1)) == []


def test_no_proposal_for_a_closed_case(units):
    case = household(units[0])
    apply(case, "2025-03")
    services.close_period(
        case,
        last_month="2025-03",
        reasons={p.pk: "work" for p in adults_of(case)},
        actor=TEST,
    )
    assert tasks.propose_closures(date(2025, 9, 1)) == []


def test_a_dismissed_proposal_is_not_repeated_for_the_same_gap(units):
    case = household(units[0])
    apply(case, "2025-03")
    (proposal,) = tasks.propose_closures(date(2025, 6, 3))
    with pytest.raises(ValidationError):
        services.dismiss_proposal(proposal, reason="  ", actor=TEST)
    services.dismiss_proposal(proposal, reason="Sökande är inlagd på sjukhus.", actor=TEST)
    assert tasks.propose_closures(date(2025, 7, 1)) == []
    # a later application, then a new gap: a new proposal
    apply(case, "2025-07")
    (again,) = tasks.propose_closures(date(2025, 10, 2))
    assert again.last_applied_month == "2025-07"
    assert ClosureProposal.objects.filter(case=case, status="open").count() == 1


def test_closing_accepts_the_open_proposal(units):
    case = household(units[0])
    apply(case, "2025-03")
    (proposal,) = tasks.propose_closures(date(2025, 6, 3))
    period = services.close_period(
        case,
        last_month="2025-03",
        reasons={p.pk: "unknown" for p in adults_of(case)},
        actor=TEST,
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("accepted", TEST)
    assert period.closed_via == "robot_proposal"


def test_the_daily_chore_runs_once_a_day(units):
    case = household(units[0])
    apply(case, "2025-03")
    tasks._proposed_on = None
    assert len(tasks.propose_closures_daily(date(2025, 6, 3))) == 1
    ClosureProposal.objects.all().delete()
    assert tasks.propose_closures_daily(date(2025, 6, 3)) == []
    assert len(tasks.propose_closures_daily(date(2025, 6, 4))) == 1


def test_a_proposal_made_meanwhile_by_another_worker_is_not_doubled(units, monkeypatch):
    first, second = household(units[0]), household(units[0])
    apply(first, "2025-03")
    apply(second, "2025-03")
    stale = list(tasks.candidates(date(2025, 6, 3)).values_list("pk", "last_applied"))
    assert {pk for pk, _ in stale} == {first.pk, second.pk}
    # another worker got to the first case after this one had read its candidates
    ClosureProposal.objects.create(
        case=first, months_without_application=2, last_applied_month="2025-03"
    )

    class Stale:
        def values_list(self, *fields):
            return stale

    monkeypatch.setattr(tasks, "candidates", lambda today: Stale())
    made = tasks.propose_closures(date(2025, 6, 3))
    assert [p.case_id for p in made] == [second.pk]
    assert ClosureProposal.objects.filter(case=first, status="open").count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connection as it ends
def test_the_worker_proposes_closing_in_its_housekeeping(units):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from bistand.rules.period import Month

    today = timezone.localdate()
    long_ago = Month(today.year - 1, today.month)  # a year without an application
    case = household(units[0])
    apply(case, str(long_ago))
    tasks._proposed_on = None
    out = StringIO()
    call_command("worker", "--until-idle", stdout=out)
    assert "1 nya förslag om avslut" in out.getvalue()
    assert ClosureProposal.objects.get(case=case).last_applied_month == str(long_ago)


def test_the_proposal_waits_until_n_whole_months_have_passed(units):
    """Last applied for March, N = 2: April and May must both have passed without an
    application, so the first proposal is on 1 June, not on 1 May."""
    case = household(units[0])
    apply(case, "2025-03")
    assert tasks.propose_closures(date(2025, 5, 1)) == []
    assert tasks.propose_closures(date(2025, 5, 31)) == []
    (made,) = tasks.propose_closures(date(2025, 6, 1))
    assert (made.months_without_application, made.last_applied_month) == (2, "2025-03")


def test_no_proposal_while_the_household_has_an_open_e_service_draft(units):
    from bistand.eservice.models import Draft

    case = household(units[0])
    apply(case, "2025-03")
    Draft.objects.create(
        person=adults_of(case)[0], case=case, month="2025-06", kind="repeat", data={}
    )
    assert tasks.propose_closures(date(2025, 6, 2)) == []


def test_no_proposal_while_an_application_awaits_the_partners_signature(units):
    from bistand.cases.models import Application, State

    case = household(units[0])
    apply(case, "2025-01")
    waiting = apply(case, "2025-02", decided=False)
    Application.objects.filter(pk=waiting.pk).update(state=State.AWAITING_COSIGNATURE)
    assert tasks.propose_closures(date(2025, 6, 1)) == []


@pytest.mark.django_db(transaction=True)  # the worker closes its connection as it ends
def test_a_failing_proposal_run_is_logged_and_the_worker_goes_on(units, monkeypatch, caplog):
    from io import StringIO

    from django.core.management import call_command

    from bistand.robot.management.commands import worker

    def broken(*args, **kwargs):
        raise RuntimeError("databasen svarade inte")

    refreshed = []
    monkeypatch.setattr(worker, "propose_closures_daily", broken)
    monkeypatch.setattr(worker, "refresh_periodically", lambda: refreshed.append(True))
    out = StringIO()
    with caplog.at_level("ERROR"):
        call_command("worker", "--until-idle", stdout=out)
    assert "kön är tom" in out.getvalue()
    assert refreshed == [True]  # the rest of the housekeeping still ran
    (logged,) = [r for r in caplog.records if "förslag om avslut" in r.getMessage()]
    assert logged.levelname == "ERROR" and logged.exc_info is not None


def test_a_daily_run_that_failed_is_tried_again_the_same_day(units, monkeypatch):
    case = household(units[0])
    apply(case, "2025-03")
    tasks._proposed_on = None
    real = tasks.propose_closures
    monkeypatch.setattr(tasks, "propose_closures", lambda day: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tasks.propose_closures_daily(date(2025, 6, 3))
    monkeypatch.setattr(tasks, "propose_closures", real)
    assert len(tasks.propose_closures_daily(date(2025, 6, 3))) == 1
