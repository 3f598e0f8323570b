"""Consecutive months with försörjningsstöd per person, and whether the requirement applies."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bistand.aktivitetskrav import services
from bistand.aktivitetskrav.models import ExemptionGround
from bistand.decisions.models import Decision

from .conftest import HISTORY, MONTH, TEST


def test_three_granted_months_in_a_row():
    assert services.consecutive_months({"2026-09", "2026-10", "2026-11"}, "2026-12") == [
        "2026-09",
        "2026-10",
        "2026-11",
    ]


def test_a_gap_resets_the_count():
    granted = {"2026-06", "2026-07", "2026-08", "2026-10", "2026-11"}
    assert services.consecutive_months(granted, "2026-12") == ["2026-10", "2026-11"]


def test_the_month_itself_and_later_months_do_not_count():
    assert services.consecutive_months({"2026-12", "2027-01"}, "2026-12") == []


def test_over_a_new_year():
    assert services.consecutive_months({"2026-11", "2026-12", "2027-01"}, "2027-02") == [
        "2026-11",
        "2026-12",
        "2027-01",
    ]


def _index(month: str) -> int:
    year, m = map(int, month.split("-"))
    return year * 12 + m - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@given(
    granted=st.sets(st.integers(min_value=0, max_value=40)),
    asked=st.integers(min_value=0, max_value=42),
)
def test_property_the_run_is_exactly_the_unbroken_months_before(granted, asked):
    """For any set of granted months: the run ends the month before, every month in it was
    granted, and the month before the run was not (a gap, however short, resets it)."""
    base = _index("2025-01")
    months = {_month(base + g) for g in granted}
    month = _month(base + asked)
    run = services.consecutive_months(months, month)
    assert all(m in months for m in run)
    assert [_index(m) for m in run] == list(range(base + asked - len(run), base + asked))
    assert _month(base + asked - len(run) - 1) not in months
    # never longer than the months granted before the asked month
    assert len(run) <= len([g for g in granted if g < asked])


def test_granted_months_from_the_decisions(world):
    found = services.granted_months_of([world.applicant.pk, world.partner.pk])
    assert found[world.applicant.pk] == set(HISTORY) == found[world.partner.pk]


def test_a_refusal_or_nothing_granted_is_a_month_without(world):
    october = world.case.applications.get(month="2026-10")
    Decision.objects.filter(application=october).update(outcome="refusal", amount_ore=0)
    st_ = services.status(world.applicant, MONTH)
    assert st_.months_in_row == ["2026-11"] and not st_.covered


def test_a_partial_grant_counts(world):
    october = world.case.applications.get(month="2026-10")
    Decision.objects.filter(application=october).update(outcome="partial")
    assert services.status(world.applicant, MONTH).months_in_row == list(HISTORY)


def test_months_before_the_person_joined_the_household_do_not_count(world):
    member = world.case.household.members.get(person=world.partner)
    member.valid_from = date(2026, 11, 1)
    member.save()
    assert services.status(world.partner, MONTH).months_in_row == ["2026-11"]
    assert services.status(world.applicant, MONTH).covered


def test_applies_after_three_months_only_from_the_first_month(world):
    assert services.status(world.applicant, MONTH).covered
    # September 2026: the law is in force but the requirement is first applied for October
    assert not services.parameters("2026-09")["applies"]
    assert services.parameters("2026-10")["applies"]
    assert services.parameters("2026-10")["consecutive_months"] == 3


def test_exemption_with_ground_and_period(world):
    services.add_exemption(
        world.case,
        world.applicant,
        ground=ExemptionGround.PARENTAL_LEAVE,
        valid_from=date(2026, 11, 15),
        valid_to=date(2026, 12, 10),
        text="",
        actor=TEST,
    )
    status = services.status(world.applicant, MONTH)
    assert not status.covered and "föräldraledighet" in status.explanation
    assert services.status(world.applicant, "2027-01").exemptions == []


def test_other_ground_needs_a_text(world):
    with pytest.raises(services.AktivitetskravError, match="Beskriv skälet"):
        services.add_exemption(
            world.case,
            world.applicant,
            ground=ExemptionGround.OTHER,
            valid_from=date(2026, 12, 1),
            valid_to=None,
            text=" ",
            actor=TEST,
        )


def af_notice(person, kind, *, full_time=False, start=date(2026, 11, 1), end=None, ref="AF-1"):
    from bistand.af_exchange.models import AfNotice

    return AfNotice.objects.create(
        reference=ref,
        person=person,
        kind=kind,
        full_time=full_time,
        period_start=start,
        period_end=end,
    )


def test_a_full_time_programme_notice_from_af_is_an_exemption(world):
    af_notice(world.applicant, "programme_participation", full_time=True)
    status = services.status(world.applicant, MONTH)
    assert status.programme_notices and not status.covered
    assert "Arbetsförmedlingen" in status.explanation


def test_a_part_time_programme_is_no_exemption(world):
    af_notice(world.applicant, "programme_participation", full_time=False)
    assert services.status(world.applicant, MONTH).covered
