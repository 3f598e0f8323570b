"""The aktivitetskrav's flags in the robot's batch path, and a reduction that is never automated."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bistand.af_exchange.models import OutgoingAfNotice
from bistand.aktivitetskrav import services
from bistand.aktivitetskrav.models import ActivityKind, AttendanceSource, Reduction
from bistand.cases import seeding
from bistand.cases.models import Application, State
from bistand.decisions.models import Decision, DecisionPolicy
from bistand.robot import pipeline
from bistand.robot.tests.conftest import APPLICANT, PARTNER, declared
from bistand.rules.period import Month

from .conftest import MONTH, TEST
from .test_months import af_notice


def flags(application: Application, code: str | None = None) -> list[dict]:
    application.refresh_from_db()
    found = application.proposal.flags
    return [f for f in found if code is None or f["code"] == code]


def run(world, data=None) -> Application:
    application = world.submit(data)
    pipeline.process_many([application.pk])
    application.refresh_from_db()
    return application


def give_plan(world, person):
    plan = services.save_plan(world.case, person, goal="Arbete inom lager", capacity="", actor=TEST)
    services.add_activity(
        plan,
        kind=ActivityKind.JOB_SEEKING,
        provider="Jobbtorget",
        hours_per_week=20,
        start=date(2026, 11, 1),
        end=None,
        actor=TEST,
    )
    return plan


def test_requirement_applies_and_no_plan_is_flagged_with_evidence(world):
    application = run(world)
    found = flags(application, "AKTIVITETSKRAV_NO_PLAN")
    assert len(found) == 2  # sökande and medsökande
    first = found[0]
    assert "3 månader i följd (2026-09, 2026-10, 2026-11)" in first["message"]
    assert "ingen individuell plan" in first["message"]
    assert first["evidence"]["months_in_row"] == ["2026-09", "2026-10", "2026-11"]
    assert "prop. 2025/26:207" in first["evidence"]["legal_source"]
    assert "national.aktivitetskrav" in first["evidence"]["parameter"]
    assert application.state == State.PROPOSAL_READY  # a caseworker decides
    assert not Decision.objects.filter(application=application).exists()


def test_a_plan_with_activities_removes_the_flag(world):
    give_plan(world, world.applicant)
    give_plan(world, world.partner)
    assert flags(run(world), "AKTIVITETSKRAV_NO_PLAN") == []


def test_a_plan_whose_activities_ended_is_no_plan_for_the_month(world):
    give_plan(world, world.applicant)
    plan = give_plan(world, world.partner)
    plan.activities.update(end=date(2026, 11, 30))
    found = flags(run(world), "AKTIVITETSKRAV_NO_PLAN")
    assert [f["evidence"]["person"] for f in found] == ["medsökande (19870303-****)"]


def test_no_queries_and_no_flags_for_months_before_the_law(world):
    application = Application(month="2026-06", declared=declared(), case=world.case, pk=0)
    with CaptureQueriesContext(connection) as queries:
        facts = services.robot_facts([application])
    assert len(queries) == 0 and facts[0]["persons"] == {}


def test_absence_without_an_accepted_reason_in_the_month_is_flagged(world):
    give_plan(world, world.applicant)
    give_plan(world, world.partner)
    services.record_attendance(
        world.case,
        world.applicant,
        day=date(2026, 11, 20),
        present=False,
        source=AttendanceSource.PROVIDER,
        actor=TEST,
        reason_kind="unknown",
    )
    accepted = services.record_attendance(
        world.case,
        world.partner,
        day=date(2026, 11, 21),
        present=False,
        source=AttendanceSource.CASEWORKER,
        actor=TEST,
        reason_kind="child",
        assessment="accepted",
    )
    assert accepted.assessment == "accepted"
    found = flags(run(world), "AKTIVITETSKRAV_ABSENCE")
    assert len(found) == 1
    assert "2026-11-20" in found[0]["message"] and "utan godtaget skäl" in found[0]["message"]
    assert found[0]["evidence"]["absences"] == [{"day": "2026-11-20", "assessment": "ej bedömt"}]


def test_af_reporting_too_little_occupation_is_flagged(world):
    give_plan(world, world.applicant)
    give_plan(world, world.partner)
    af_notice(world.applicant, "too_little_occupation", start=date(2026, 11, 10))
    found = flags(run(world), "AF_TOO_LITTLE_OCCUPATION")
    assert len(found) == 1
    assert "Arbetsförmedlingen har meddelat" in found[0]["message"]
    assert found[0]["evidence"]["period_start"] == "2026-11-10"


def _sick(data=None):
    data = data or declared()
    data["planning"] = {
        "af_registered": True,
        "situation": [{"personnummer": APPLICANT, "hinder": "sick_uncertified", "activity": ""}],
    }
    return data


def test_illness_as_the_obstacle_without_a_certificate_is_flagged(world, caplog):
    caplog.set_level("INFO")
    found = flags(run(world, _sick()), "LAKARINTYG_MISSING")
    assert len(found) == 1 and "inget läkarintyg" in found[0]["message"]
    assert "SOU 2025:15" in found[0]["evidence"]["legal_source"]
    # health data: the robot's log line names no läkarintyg flag
    assert "LAKARINTYG" not in caplog.text and "SPECIAL_CATEGORY" in caplog.text
    # nor does the hash-chained audit log, which cannot be cleaned later
    from bistand.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="proposal.created")
    assert "LAKARINTYG" not in str(event.data) and "SPECIAL_CATEGORY" in event.data["flags"]


def test_an_expired_certificate_is_flagged_and_a_valid_one_is_not(world):
    from bistand.aktivitetskrav.models import MedicalCertificate

    old = MedicalCertificate.objects.create(
        person=world.applicant,
        case=world.case,
        valid_from=date(2026, 9, 1),
        valid_until=date(2026, 11, 30),
        submitted_by=TEST,
    )
    found = flags(run(world, _sick()), "LAKARINTYG_EXPIRED")
    assert len(found) == 1 and "gällde till 2026-11-30" in found[0]["message"]
    # the caseworker accepts it until the end of January: no flag the next month
    services.assess_certificate(
        old, status="accepted", accepted_until=date(2027, 1, 31), note="", actor=TEST
    )
    assert old.effective_until == date(2027, 1, 31)


def test_seeded_month_processed_in_batches(world, register_simulator):
    """Seeded households (one month of history: not covered) and the world's household (three
    months, no plan) in one batch: only the latter is flagged, and the loader's queries do not
    grow with the batch."""
    seeding.seed(
        8,
        Month.parse(MONTH),
        municipality=seeding.get_municipality(automated=True),
        simulator=register_simulator,
    )
    mine = world.submit()
    ids = list(
        Application.objects.filter(month=MONTH, state=State.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert mine.pk in ids and len(ids) == 9
    few = list(Application.objects.filter(pk__in=[ids[0], mine.pk]))
    many = list(Application.objects.filter(pk__in=ids))

    def statements(applications) -> int:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            pipeline.contributed_data(applications)
            transaction.set_rollback(True)  # the notices to AF: measured again next time
        return len(queries)

    assert statements(many) == statements(few)
    outcomes = pipeline.process_many(ids)
    assert set(outcomes) == set(ids)
    for application in Application.objects.filter(pk__in=ids):
        codes = [f["code"] for f in application.proposal.flags]
        if application.pk == mine.pk:
            assert codes.count("AKTIVITETSKRAV_NO_PLAN") == 2
        else:
            assert "AKTIVITETSKRAV_NO_PLAN" not in codes


def test_the_notice_to_af_is_queued_once_when_the_requirement_starts(world):
    run(world)
    notices = OutgoingAfNotice.objects.filter(person__in=[world.applicant, world.partner])
    assert sorted(n.month for n in notices) == [MONTH, MONTH]
    # the next month's run does not queue another while the run of months goes on
    december = world.case.applications.get(month=MONTH)
    Decision.objects.create(
        application=december,
        calculation=december.proposal.calculation,
        outcome="grant",
        amount_ore=100,
        decided_by=world.users["anna"],
        rules_version="1.0.0",
    )
    facts = services.robot_facts(
        [Application(month="2027-01", declared=declared(), case=world.case, pk=0)]
    )
    assert facts[0]["persons"][APPLICANT].covered
    assert OutgoingAfNotice.objects.filter(person=world.applicant).count() == 1


def test_a_loader_that_fails_is_a_flag_never_silence(world, monkeypatch):
    from bistand.aktivitetskrav import services as svc

    def broken(applications):
        raise RuntimeError("database away")

    monkeypatch.setattr(svc, "robot_facts", broken)
    found = flags(run(world), "AKTIVITETSKRAV_UNKNOWN")
    assert len(found) == 1 and "kunde inte kontrolleras" in found[0]["message"]


def communicate(application, user, person) -> None:
    """Kommunicering before a decision against the applicant (förvaltningslagen 25 §), where
    the tree has it (bistand/kommunicering): sent, and answered by the applicant."""
    try:
        from bistand.kommunicering.services import answer, default_deadline, send
    except ImportError:  # the refusal path does not ask for it then
        return
    sent = send(
        application,
        user=user,
        keys=[],
        text="Vi överväger att sätta ned försörjningsstödet: du avböjde en aktivitet.",
        deadline=default_deadline(),
    )
    answer(sent, person, "Jag hade inget skäl.")


def test_a_reduction_is_never_automated(world):
    """Even with automated refusals switched on, and an absence judged not acceptable, the
    robot only flags: no decision, no reduction. The caseworker decides, with motivering and
    the legal ground in the decision; a read-only role cannot."""
    DecisionPolicy.objects.filter(municipality=world.case.municipality).update(
        automate_refusals=True, automate_clean_repeat_grants=True
    )
    give_plan(world, world.applicant)
    give_plan(world, world.partner)
    services.record_attendance(
        world.case,
        world.applicant,
        day=date(2026, 11, 20),
        present=False,
        source=AttendanceSource.PROVIDER,
        actor=TEST,
        reason_kind="unknown",
        assessment="not_accepted",
    )
    application = run(world)
    assert [f["code"] for f in flags(application)].count("AKTIVITETSKRAV_ABSENCE") == 1
    assert application.state == State.PROPOSAL_READY
    assert not Decision.objects.filter(application=application).exists()
    assert not Reduction.objects.exists()
    proposal = application.proposal
    assert proposal.route == "caseworker"

    with pytest.raises(PermissionDenied):
        services.refuse_for_refusal(
            proposal, user=world.users["auditor"], motivering_text="Avböjt.", amount="100"
        )
    assert not Decision.objects.filter(application=application).exists()

    with pytest.raises(services.AktivitetskravError, match="motivering"):
        services.refuse_for_refusal(proposal, user=world.users["anna"], motivering_text=" ")

    communicate(application, world.users["anna"], world.applicant)
    result = services.refuse_for_refusal(
        proposal,
        user=world.users["anna"],
        motivering_text="Du har utan godtagbart skäl avböjt jobbsökaraktiviteten 20 november.",
        amount="100",
    )
    decision = result.decision
    assert decision.outcome == "partial" and decision.decided_by == world.users["anna"]
    assert not decision.automated
    item = decision.items.get()
    assert "avböjt jobbsökaraktiviteten" in item.reasons
    assert "Lagrum: Aktivitetskrav för mottagare av försörjningsstöd" in item.reasons
    assert "prop. 2025/26:207" in item.legal_basis
    assert Reduction.objects.get().decision == decision


def test_reduction_path_refused_for_a_month_before_the_requirement(world):
    application = run(world)
    proposal = application.proposal
    proposal.application.month = "2026-09"  # as if the month were before October 2026
    with pytest.raises(services.AktivitetskravError, match="gäller inte"):
        services.refuse_for_refusal(proposal, user=world.users["anna"], motivering_text="x")
    assert not Decision.objects.filter(application=application).exists()


def test_declared_is_not_changed_by_the_check(world):
    data = _sick(copy.deepcopy(declared()))
    application = run(world, data)
    assert application.declared["planning"]["situation"][0]["personnummer"] == APPLICANT
    assert PARTNER in [m["personnummer"] for m in application.declared["members"]]


def test_the_person_is_told_without_any_detail(world):
    """A new activity, an absence not accepted and a läkarintyg not accepted each give a notice
    "activity_attention" (its text is only "Du har ett nytt meddelande i Bistånd")."""
    from bistand.aktivitetskrav.models import MedicalCertificate
    from bistand.notifications.models import ContactPreference, Notice

    ContactPreference.objects.create(person=world.applicant, email="sara@example.invalid")
    give_plan(world, world.applicant)
    row = services.record_attendance(
        world.case,
        world.applicant,
        day=date(2026, 12, 2),
        present=False,
        source=AttendanceSource.PROVIDER,
        actor=TEST,
        reason_kind="illness",
    )
    services.assess_absence(row, assessment="not_accepted", actor=TEST)
    certificate = MedicalCertificate.objects.create(
        person=world.applicant,
        case=world.case,
        valid_from=date(2026, 12, 1),
        valid_until=date(2026, 12, 31),
        submitted_by=TEST,
    )
    services.assess_certificate(
        certificate, status="rejected", accepted_until=None, note="Oläsligt", actor=TEST
    )
    notices = Notice.objects.filter(person=world.applicant)
    assert [n.kind for n in notices] == ["activity_attention"] * 3
    assert not Notice.objects.filter(person=world.partner).exists()


def test_four_eyes_reduction_is_counted_when_the_second_caseworker_decides(world):
    from bistand.aktivitetskrav.figures import month_figures
    from bistand.decisions.review import confirm_first_approval
    from bistand.staff.models import Role
    from bistand.staff.testing import make_staff

    DecisionPolicy.objects.filter(municipality=world.case.municipality).update(
        four_eyes_limit_ore=5000
    )
    application = run(world)
    communicate(application, world.users["anna"], world.applicant)
    first = services.refuse_for_refusal(
        application.proposal,
        user=world.users["anna"],
        motivering_text="Du har avböjt två aktiviteter utan godtagbart skäl.",
        amount="100",
    )
    assert first.decision is None and first.first_approval is not None

    def reductions() -> int:
        rows = month_figures(world.case.municipality_id, MONTH, None)
        return rows[-1].reductions

    assert reductions() == 0  # not decided yet
    bo = make_staff("bo", Role.CASEWORKER, [world.north])
    second = confirm_first_approval(first.first_approval, user=bo)
    assert second.decision.outcome == "partial" and second.decision.decided_by == bo
    assert "Lagrum: Aktivitetskrav" in second.decision.items.get().reasons
    assert reductions() == 1


def test_the_case_view_names_the_evidence_in_swedish(world, client):
    """The flags' evidence as a caseworker reads it, not the data's keys (found walking issue 13
    through `make run`: "months_in_row", "threshold")."""
    application = run(world)
    client.force_login(world.users["anna"])
    page = client.get(f"/handlaggning/ansokan/{application.pk}/").content.decode()
    assert "Månader i följd med försörjningsstöd" in page and "Kravet gäller efter" in page
    assert "months_in_row" not in page and ">threshold<" not in page
