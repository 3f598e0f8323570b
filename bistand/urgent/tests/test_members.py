"""Mina sidor shows a household's urgent requests to an adult only for the time they belonged
to it: a partner who joined later does not read an earlier request's reason, amount or letter.
Security review, 2026-12-06."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bistand.cases.models import HouseholdMember, MembershipBasis
from bistand.cases.services import get_or_create_person
from bistand.urgent.models import Channel, Reason, UrgentRequest
from bistand.urgent.views import own_requests

from .conftest import PARTNER as LATER_PARTNER

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_a_partner_who_joined_later_does_not_see_earlier_urgent_requests(world):
    case = world.household(world.north)
    anna = case.household.members.get(role="applicant").person
    at = datetime(2026, 10, 5, 9, tzinfo=STOCKHOLM)
    earlier = UrgentRequest.objects.create(
        case=case,
        applicant=anna,
        reason=Reason.NO_FOOD,
        description="Ingen mat i kylen",
        days=2,
        channel=Channel.MINASIDOR,
        received_at=at,
        due_at=at,
    )
    partner = get_or_create_person(LATER_PARTNER)
    HouseholdMember.objects.create(
        household=case.household,
        person=partner,
        role="partner",
        valid_from=date(2026, 12, 1),
        basis=MembershipBasis.SIGNED,
    )
    assert list(own_requests(anna)) == [earlier]
    assert earlier not in own_requests(partner)
