"""A person's plan and exemptions belong to the case they were recorded in: the case view, the
API and the robot of another case (another unit, perhaps a protected one) never show them; and
only confirmed adults of a case count as its adults. Security review, 2026-12-06."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from bistand.aktivitetskrav import services
from bistand.aktivitetskrav.models import Exemption, ExemptionGround, Plan
from bistand.cases.models import HouseholdMember, MembershipBasis
from bistand.robot import pipeline

from .conftest import OTHER_APPLICANT, household

SECRET = "HEMLIGT-MÅL-SKYDDAT-BOENDE"


@pytest.fixture
def application(world):
    application = world.submit()
    pipeline.process_many([application.pk])
    application.refresh_from_db()
    return application


def _partner_also_in_a_southern_case(world):
    other = household(world.south, OTHER_APPLICANT, None, "2026-11")
    Plan.objects.create(person=world.partner, case=other, goal=SECRET, capacity="HEMLIG")
    Exemption.objects.create(
        person=world.partner,
        case=other,
        ground=ExemptionGround.MEDICAL,
        valid_from=date(2026, 11, 1),
        recorded_by="test",
    )
    return other


def test_attack_another_cases_plan_and_exemption_stay_there(client, world, application):
    _partner_also_in_a_southern_case(world)
    client.force_login(world.users["anna"])
    rows = client.get(reverse("api:aktivitetskrav-application", args=[application.pk]))
    assert rows.status_code == 200
    assert SECRET not in rows.content.decode() and "medical" not in rows.content.decode()
    page = client.get(f"/handlaggning/ansokan/{application.pk}/").content.decode()
    assert SECRET not in page
    found = services.statuses(
        [(world.partner.pk, application.month)],
        cases={(world.partner.pk, application.month): application.case_id},
    )[(world.partner.pk, application.month)]
    assert found.plan is None and found.exemptions == []


def test_only_confirmed_adults_count_as_the_cases_adults(world, application):
    stranger = household(world.south, OTHER_APPLICANT, None, "2026-11").household.members.get()
    HouseholdMember.objects.create(
        household=world.case.household,
        person=stranger.person,
        role="partner",
        valid_from=date(2026, 9, 1),
        basis=MembershipBasis.DECLARED,
    )
    assert stranger.person not in services.adults_of(world.case, application.month)
    assert not services.is_adult_of(world.case, stranger.person.pk)
    assert services.is_adult_of(world.case, world.partner.pk)


def test_no_health_code_in_the_audit_log(world, application):
    """The hash-chained audit log cannot be cleaned later: an exemption's ground or an absence's
    kind of reason (e.g. "medical", "illness") stays in the rows, not in the log."""
    from bistand.audit.models import AuditEvent
    from bistand.audit.services import Actor

    services.add_exemption(
        world.case,
        world.partner,
        ground=ExemptionGround.MEDICAL,
        text="",
        valid_from=date(2026, 12, 1),
        valid_to=None,
        actor=Actor.system("test"),
    )
    services.report_absence(
        application, world.applicant, day=date(2026, 12, 2), reason_kind="illness", reason="Feber"
    )
    logged = " ".join(
        str(e.data) for e in AuditEvent.objects.filter(action__startswith="aktivitetskrav.")
    )
    assert logged and "medical" not in logged and "illness" not in logged
