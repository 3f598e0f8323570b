"""The caseworker resolves memberships: an unconfirmed adult or a person in two households is
marked on the case view; a caseworker of the unit ends or confirms it, audited; a read-only
role or another unit cannot."""

from __future__ import annotations

import pytest

from bistand.audit.models import AuditEvent
from bistand.cases.models import HouseholdMember, MembershipBasis, Person

pytestmark = pytest.mark.django_db

URL = "/handlaggning/ansokan/{}/"


@pytest.fixture
def unconfirmed(ready):
    """The household's partner marked as added without their own signature (what the
    migration marks for the memberships the old e-service made)."""
    member = HouseholdMember.objects.filter(household=ready.case.household, role="partner").first()
    if member is None:
        applicant = HouseholdMember.objects.get(household=ready.case.household, role="applicant")
        member = HouseholdMember.objects.create(
            household=ready.case.household,
            person=Person.objects.create(personnummer="199003152387"),
            role="partner",
            valid_from=applicant.valid_from,
        )
    member.basis = MembershipBasis.UNVERIFIED
    member.save()
    return member


def test_the_case_view_marks_an_unconfirmed_member_and_the_caseworker_ends_it(
    client, world, ready, unconfirmed
):
    client.force_login(world.users["anna"])
    page = client.get(URL.format(ready.pk)).content.decode()
    assert "Ej bekräftad" in page
    assert "Lös medlemskapet för" in page
    missing = client.post(URL.format(ready.pk) + f"medlem/{unconfirmed.pk}/avsluta/", {})
    assert missing.status_code == 302
    unconfirmed.refresh_from_db()
    assert unconfirmed.valid_to is None  # nothing changed without a date and a reason
    done = client.post(
        URL.format(ready.pk) + f"medlem/{unconfirmed.pk}/avsluta/",
        {"until": "2025-03-31", "reason": "Lades till utan egen underskrift"},
        follow=True,
    )
    assert "Medlemskapet är avslutat" in done.content.decode()
    unconfirmed.refresh_from_db()
    assert str(unconfirmed.valid_to) == "2025-03-31"
    event = AuditEvent.objects.get(action="case.member_ended")
    assert event.subject == f"member:{unconfirmed.pk}" and event.case_id == ready.case_id


def test_the_caseworker_confirms_a_membership_with_the_reason(client, world, ready, unconfirmed):
    client.force_login(world.users["anna"])
    client.post(
        URL.format(ready.pk) + f"medlem/{unconfirmed.pk}/bekrafta/",
        {"reason": "Underskriven pappersansökan 2025-04-02"},
    )
    unconfirmed.refresh_from_db()
    assert unconfirmed.basis == MembershipBasis.REGISTERED
    assert AuditEvent.objects.filter(action="case.member_confirmed").count() == 1


@pytest.mark.parametrize(("who", "status"), [("auditor", 403), ("syd", 404)])
def test_a_read_only_role_or_another_unit_cannot_change_a_membership(
    client, world, ready, unconfirmed, who, status
):
    client.force_login(world.users[who])
    response = client.post(
        URL.format(ready.pk) + f"medlem/{unconfirmed.pk}/avsluta/",
        {"until": "2025-03-31", "reason": "x"},
    )
    assert response.status_code == status
    unconfirmed.refresh_from_db()
    assert unconfirmed.valid_to is None
