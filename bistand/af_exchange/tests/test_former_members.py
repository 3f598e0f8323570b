"""A case shows Arbetsförmedlingen's exchange only for its confirmed adults, and only for the
time they belonged to the household: a partner who has left (and may now live at a protected
address in another unit) is not followed by the old case. Security review, 2026-12-06."""

from __future__ import annotations

from datetime import date

from bistand.af_exchange import services
from bistand.af_exchange.models import AfNotice, OutgoingAfNotice, OutgoingStatus
from bistand.cases.models import HouseholdMember, MembershipBasis

from .test_views import page, world  # noqa: F401 (the fixture)


def _sune_was_noras_partner_until_september(world):  # noqa: F811
    sune = world["south_app"].case.household.members.get().person
    HouseholdMember.objects.create(
        household=world["north_app"].case.household,
        person=sune,
        role="partner",
        valid_from=date(2026, 7, 1),
        valid_to=date(2026, 9, 30),
        basis=MembershipBasis.SIGNED,
    )
    return sune


def test_attack_a_former_partners_later_notices_stay_off_the_old_case(client, world):  # noqa: F811
    sune = _sune_was_noras_partner_until_september(world)
    AfNotice.objects.create(
        person=sune,
        reference="AF-U-LATER",
        kind="programme_participation",
        period_start=date(2026, 11, 1),
    )
    AfNotice.objects.create(
        person=sune,
        reference="AF-U-WHILE",
        kind="too_little_occupation",
        period_start=date(2026, 8, 1),
        period_end=date(2026, 8, 31),
    )
    OutgoingAfNotice.objects.create(
        person=sune, month="2026-12", status=OutgoingStatus.FAILED, attempts=4
    )

    outgoing, incoming = services.exchange_of_case(world["north_app"].case)
    assert {n.reference for n in incoming} == {"AF-U-000001", "AF-U-WHILE"}
    assert all(n.person_id != sune.pk for n in outgoing)
    anna = world["anna"]
    text = page(client, anna, f"/handlaggning/ansokan/{world['north_app'].pk}/").content.decode()
    assert "AF-U-LATER" not in text and "AF-U-WHILE" in text
    api = page(client, anna, f"/api/v1/cases/{world['north_app'].case.pk}/af-exchange/")
    assert api.status_code == 200 and "AF-U-LATER" not in api.content.decode()
    failed = page(client, anna, "/handlaggning/arbetsformedlingen/").content.decode()
    assert "Sune" not in failed  # his failed sends are about months after he left


def test_an_unconfirmed_members_notices_are_not_shown(world):  # noqa: F811
    sune = world["south_app"].case.household.members.get().person
    HouseholdMember.objects.create(
        household=world["north_app"].case.household,
        person=sune,
        role="partner",
        valid_from=date(2026, 7, 1),
        basis=MembershipBasis.DECLARED,
    )
    AfNotice.objects.create(
        person=sune,
        reference="AF-U-UNCONF",
        kind="too_little_occupation",
        period_start=date(2026, 10, 1),
    )
    _, incoming = services.exchange_of_case(world["north_app"].case)
    assert "AF-U-UNCONF" not in {n.reference for n in incoming}
