"""Browser test of booking a planning meeting on Mina sidor (bistand/planning): the new
applicant's start page offers a meeting, the booking page lists the free times as radio
buttons (no JavaScript needed), an empty choice is an error at the top and at the field, and
the booked meeting shows on Mina sidor; axe-core finds no serious or critical violation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import eid_log_in

pytestmark = pytest.mark.browser


def _nyansokan_and_slots(couple):
    from bistand.audit.services import Actor
    from bistand.cases import seeding
    from bistand.cases.models import Application, Unit
    from bistand.cases.services import Member, get_or_create_person, open_case
    from bistand.planning.models import Slot
    from bistand.staff.models import Role
    from bistand.staff.testing import make_staff

    municipality = seeding.get_municipality()
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    case = open_case(
        municipality,
        [Member(get_or_create_person(couple.anna), "applicant")],
        actor=Actor.system("test"),
        unit=north,
    )
    Application.objects.create(
        case=case,
        month=couple.month,
        kind="first",
        state="submitted",
        submitted_at=timezone.now(),
    )
    secretary = make_staff("ams", Role.LABOUR_MARKET, [north])
    soon = timezone.now() + timedelta(hours=2)
    later = soon + timedelta(hours=30)  # beyond 24 hours: offered only if none within
    for starts, mode, place in (
        (soon, "place", "Stadshuset, rum 12"),
        (later, "video", "https://video.exempelkommun.invalid/planering"),
    ):
        Slot.objects.create(
            unit=north, starts_at=starts, minutes=45, mode=mode, place=place, created_by=secretary
        )
    return case


def test_the_applicant_books_a_planning_meeting(new_page, couple, axe):
    from bistand.planning.models import Booking

    case = _nyansokan_and_slots(couple)
    page = new_page()
    eid_log_in(page, couple, couple.anna)
    page.goto("/mina-sidor/")
    expect(page.get_by_role("heading", name="Planeringsmöte", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Boka planeringsmöte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planeringsmöte")
    expect(page.locator("input[name=slot]")).to_have_count(1)  # within 24 hours first
    axe(page)
    page.get_by_role("button", name="Boka mötet").click()
    expect(page.get_by_role("alert")).to_contain_text("Välj en tid för mötet.")
    expect(page).to_have_title(re.compile(r"^Fel: Planeringsmöte"))
    axe(page)
    page.get_by_label(re.compile("Stadshuset, rum 12")).check()
    page.get_by_role("button", name="Boka mötet").click()
    expect(page.get_by_text("Mötet är bokat.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ditt bokade möte")).to_be_visible()
    axe(page)
    page.goto("/mina-sidor/")
    expect(page.get_by_text("Du har ett planeringsmöte")).to_be_visible()
    booking = Booking.objects.get(case=case)
    assert booking.cancelled_at is None and booking.slot.place == "Stadshuset, rum 12"
