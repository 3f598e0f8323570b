"""Nothing ever jams: whatever the robot cannot finish reaches a caseworker, with a flag.

One test per kind of failure: a month without parameters, a calculation the rules engine
refuses, a misconfigured register gateway, an unexpected exception in a check (retried, then
handed over), a fault that passes on the retry, and a worker that keeps dying. Then the way
back: "Beräkna igen", and the worker noticing that the parameters are there now.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bistand.audit.models import AuditEvent
from bistand.cases.models import Application, State
from bistand.decisions import review
from bistand.decisions.models import Decision, Proposal
from bistand.robot import handover, pipeline
from bistand.robot.models import RegisterFetch, RobotFailure
from bistand.rules.errors import InputError, RulesError

from .conftest import APPLICANT, CHILD, PARTNER, TEST

pytestmark = pytest.mark.django_db

JANUARY_2027 = "2027-01"


def proposal_of(application: Application) -> Proposal:
    return Proposal.objects.get(application=application)


def events(application: Application, action: str) -> list[dict]:
    return list(
        AuditEvent.objects.filter(
            action=action, subject=f"application:{application.pk}"
        ).values_list("data", flat=True)
    )


def no_personnummer(*texts) -> None:
    for text in texts:
        dumped = json.dumps(text, ensure_ascii=False)
        for number in (APPLICANT, PARTNER, CHILD, APPLICANT[2:]):
            assert number not in dumped, dumped


def assert_with_a_caseworker(application: Application, code: str) -> Proposal:
    application.refresh_from_db()
    assert application.state == State.PROPOSAL_READY
    assert application.flagged
    assert application.robot_lease_until is None
    proposal = proposal_of(application)
    assert proposal.calculation is None and not proposal.calculated
    assert proposal.route == "caseworker"
    assert proposal.flag_codes == [code]
    assert [r["code"] for r in proposal.route_reasons] == ["ROBOT_STOPPED"]
    assert not Decision.objects.filter(application=application).exists()
    return proposal


def test_a_month_without_riksnorm_goes_to_a_caseworker_saying_what_is_missing(world, caplog):
    world.put_registers(JANUARY_2027)
    application = world.submit(month=JANUARY_2027)

    assert pipeline.process(application.pk) == "handed-over"

    proposal = assert_with_a_caseworker(application, "MISSING_PARAMETER")
    message = proposal.flags[0]["message"]
    assert message.startswith("Riksnormen för januari 2027 är inte inlagd. Administratören")
    assert "Beräkna igen" in message
    assert "riksnorm." in " ".join(proposal.flags[0]["evidence"]["parameters"])
    # Never retried: another run would fail the same way.
    assert RobotFailure.objects.filter(application=application).count() == 1
    failure = RobotFailure.objects.get(application=application)
    assert failure.kind == "missing_parameter" and failure.stage == "calculation"
    assert "MissingParameterError" in failure.detail and "2027-01" in failure.detail
    # The technical detail in the audit trail and the log, without a personnummer.
    [failed] = events(application, "robot.failed")
    assert failed["kind"] == "missing_parameter" and failed["next"] == "caseworker"
    assert events(application, "robot.handed_over")[0]["flag"] == "MISSING_PARAMETER"
    lines = [r.getMessage() for r in caplog.records if r.name == "bistand.robot.handover"]
    assert any(f"application {application.pk} to a caseworker" in line for line in lines)
    assert not any(r.exc_info for r in caplog.records)
    no_personnummer(failed, failure.detail, failure.where, lines)


def test_a_proposal_without_a_calculation_cannot_be_decided_but_completion_can_be_asked(
    world, caseworker
):
    world.put_registers(JANUARY_2027)
    application = world.submit(month=JANUARY_2027)
    pipeline.process(application.pk)
    proposal = proposal_of(application)

    with pytest.raises(review.ReviewError, match="ingen beräkning"):
        review.approve(proposal, user=caseworker)
    with pytest.raises(review.ReviewError, match="ingen beräkning"):
        review.refuse(proposal, user=caseworker, motivering_text="Nej.")
    with pytest.raises(review.ReviewError, match="ingen beräkning"):
        review.adjust(
            proposal,
            user=caseworker,
            kind="cost",
            motivering_text="x",
            cost_type="rent",
            amount="1",
        )
    review.request_completion(application, user=caseworker, message="Skicka hyresavin.")
    application.refresh_from_db()
    assert application.state == State.COMPLETION_REQUESTED


def test_a_calculation_error_is_handed_over_at_once_with_the_reason(world, monkeypatch):
    application = world.submit()

    def refuse(data):
        raise InputError("members[0].born", "födelsedatumet saknas")

    monkeypatch.setattr(pipeline, "calculate_json", refuse)
    assert pipeline.process(application.pk) == "handed-over"

    proposal = assert_with_a_caseworker(application, "CALCULATION_ERROR")
    assert "Ansökan kunde inte beräknas: födelsedatumet saknas" in proposal.flags[0]["message"]
    assert "begär komplettering" in proposal.flags[0]["message"]
    assert RobotFailure.objects.filter(application=application).count() == 1


def test_a_misconfigured_register_gateway_is_handed_over_naming_the_administrator(world, settings):
    settings.REGISTER_GATEWAY = "ssbtk"  # a typo in the configuration
    application = world.submit()

    assert pipeline.process(application.pk) == "handed-over"

    proposal = assert_with_a_caseworker(application, "REGISTER_CONFIGURATION")
    assert "kopplingen till registren är felinställd" in proposal.flags[0]["message"]
    assert "Administratören" in proposal.flags[0]["message"]
    failure = RobotFailure.objects.get(application=application)
    assert failure.kind == "configuration" and failure.stage == "registers"
    assert "ImproperlyConfigured" in failure.detail


def test_an_unexpected_exception_in_a_check_is_retried_then_handed_over(
    world, monkeypatch, settings
):
    settings.ROBOT_MAX_ATTEMPTS = 3
    application = world.submit()

    def broken(check_input):
        raise KeyError(APPLICANT)  # a bug in a check, with a personnummer in the message

    monkeypatch.setattr(pipeline, "run_checks", broken)
    assert pipeline.process(application.pk) == "retry"
    fetched = RegisterFetch.objects.filter(application=application).count()
    application.refresh_from_db()
    assert application.state == State.ROBOT_PROCESSING
    assert application.robot_lease_until is None  # free for the queued task at once
    assert pipeline.process(application.pk) == "retry"
    assert pipeline.process(application.pk) == "handed-over"

    proposal = assert_with_a_caseworker(application, "ROBOT_ERROR")
    assert "efter 3 försök" in proposal.flags[0]["message"]
    failures = list(RobotFailure.objects.filter(application=application).order_by("at"))
    assert [f.kind for f in failures] == ["unexpected"] * 3
    assert {f.stage for f in failures} == {"checks"}
    assert "[personnummer]" in failures[0].detail
    assert "robot/tests/test_handover.py" in failures[0].where
    assert [e["next"] for e in events(application, "robot.failed")] == [
        "retry",
        "retry",
        "caseworker",
    ]
    no_personnummer([f.detail for f in failures], events(application, "robot.failed"))
    # The retries kept the register answers they had: one per adult and source.
    assert fetched > 0
    assert RegisterFetch.objects.filter(application=application).count() == fetched


def test_a_fault_that_passes_is_retried_and_the_application_decided(world, monkeypatch):
    application = world.submit()
    real = pipeline.run_checks
    calls = []

    def flaky(check_input):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionResetError("the database connection broke off")
        return real(check_input)

    monkeypatch.setattr(pipeline, "run_checks", flaky)
    queries_before = len(world.simulator.requests())
    assert pipeline.process(application.pk) == "retry"
    asked = len(world.simulator.requests()) - queries_before
    assert pipeline.process(application.pk) == "decided"

    application.refresh_from_db()
    assert application.state == State.DECIDED
    assert proposal_of(application).calculated
    assert len(world.simulator.requests()) - queries_before == asked  # nothing fetched twice
    assert RobotFailure.objects.filter(application=application).count() == 1


def test_a_worker_dying_on_the_same_application_again_and_again_ends_with_a_person(
    world, monkeypatch, settings
):
    settings.ROBOT_MAX_ATTEMPTS = 2
    application = world.submit()

    def die(*args, **kwargs):
        raise KeyboardInterrupt("worker killed")

    monkeypatch.setattr(pipeline.decisions, "new_snapshot", die)
    for _ in range(2):
        with pytest.raises(KeyboardInterrupt):
            pipeline.process(application.pk)
        Application.objects.filter(pk=application.pk).update(
            robot_lease_until=application.created_at  # the lease runs out
        )
    # The second run was a resumed one (one interruption); the third is not even started.
    assert pipeline.process(application.pk) == "handed-over"
    assert_with_a_caseworker(application, "ROBOT_ERROR")
    assert RobotFailure.objects.filter(application=application, kind="interrupted").count() == 2


def test_calculate_again_gives_a_fresh_round_of_attempts(world, monkeypatch, settings):
    settings.ROBOT_MAX_ATTEMPTS = 2
    application = world.submit()
    monkeypatch.setattr(pipeline, "run_checks", lambda c: (_ for _ in ()).throw(OSError("x")))
    assert pipeline.process(application.pk) == "retry"
    assert pipeline.process(application.pk) == "handed-over"
    monkeypatch.undo()

    application.refresh_from_db()
    handover.recalculate(application, actor=TEST, reason="test")
    application.refresh_from_db()
    assert application.state == State.ROBOT_PROCESSING
    assert pipeline.process(application.pk) == "decided"
    assert proposal_of(application).calculated
    assert proposal_of(application).history.count() == 2
    with pytest.raises(handover.NotStopped):
        handover.recalculate(application, actor=TEST, reason="again")


def test_the_worker_queues_them_again_once_the_parameters_are_there(world):
    world.put_registers(JANUARY_2027)
    application = world.submit(month=JANUARY_2027)
    pipeline.process(application.pk)
    table = proposal_of(application).flags[0]["evidence"]["parameters"][0]

    class Store:
        def __init__(self, present):
            self.present = present

        def table(self, table_id):
            store = self

            class Table:
                def version_for(self, month):
                    if not store.present:
                        raise RulesError("saknas")

            assert table_id == table
            return Table()

    assert handover.requeue_where_parameters_exist(lambda: Store(False)) == 0
    application.refresh_from_db()
    assert application.state == State.PROPOSAL_READY

    assert handover.requeue_where_parameters_exist(lambda: Store(True)) == 1
    application.refresh_from_db()
    assert application.state == State.ROBOT_PROCESSING
    # Still without parameters in truth: handed over again, never a loop.
    assert pipeline.process(application.pk) == "handed-over"
    assert_with_a_caseworker(application, "MISSING_PARAMETER")


@pytest.fixture
def caseworker(world):
    from bistand.cases.models import Case, Unit
    from bistand.staff.models import Role
    from bistand.staff.testing import make_staff

    case = world.case
    if case.unit is None:
        unit = Unit.objects.filter(municipality=case.municipality).first()
        Case.objects.filter(pk=case.pk).update(unit=unit)
        case.refresh_from_db()
    return make_staff("handlaggare", Role.CASEWORKER, [case.unit], municipality=case.municipality)


@pytest.mark.django_db(transaction=True)
def test_seed_january_2027_and_run_the_worker_nothing_hangs_and_no_traceback(register_simulator):
    """The issue's scenario from the command line: `bistand seed --households 10 --month
    2027-01`, then `bistand worker --until-idle`, as a user would run them."""
    from bistand.workspace.queues import BY_SLUG

    from .test_concurrency import database_url, needs_a_shared_database

    needs_a_shared_database()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "BISTAND_REGISTER_SIMULATOR_URL": register_simulator.url,
        "BISTAND_LOG_LEVEL": "INFO",
    }

    def bistand(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bistand.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )

    seeded = bistand("seed", "--households", "10", "--month", JANUARY_2027)
    assert seeded.returncode == 0, seeded.stderr
    worked = bistand("worker", "--until-idle", "--interval", "0.05")
    assert worked.returncode == 0, worked.stderr

    assert "Traceback" not in worked.stderr + worked.stdout
    applications = Application.objects.filter(month=JANUARY_2027)
    assert applications.count() == 10
    assert not applications.filter(state__in=[State.SUBMITTED, State.ROBOT_PROCESSING]).exists()
    assert applications.filter(BY_SLUG["kunde-inte-beraknas"].condition).count() == 10
    for application in applications:
        proposal = proposal_of(application)
        assert proposal.flag_codes == ["MISSING_PARAMETER"]
        assert proposal.flags[0]["message"].startswith(
            "Riksnormen för januari 2027 är inte inlagd."
        )
        # One line in the log per application, naming it and the reason.
        assert f"application {application.pk} to a caseworker" in worked.stderr
    no_personnummer(worked.stderr)
