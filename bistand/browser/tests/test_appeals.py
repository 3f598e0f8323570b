"""Browser test of the appeal on Mina sidor (bistand/appeals): the applicant opens the decided
application, follows "Överklaga beslutet", is told what is missing at the top and next to the
field, appeals, and follows the appeal on the application's page; axe-core finds no serious or
critical violation on any of the pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import eid_log_in, make_staff

pytestmark = pytest.mark.browser


def _decided_application(couple):
    """Anna's and Bo's application for the month, proposed by the robot and approved."""
    from bistand.audit.services import Actor
    from bistand.cases import seeding
    from bistand.cases.models import Unit
    from bistand.cases.services import Member, get_or_create_person, open_case, submit_application
    from bistand.decisions import review
    from bistand.decisions.models import Proposal
    from bistand.robot.pipeline import process
    from bistand.rules.period import Month
    from bistand.staff.models import Role
    from bistand.workspace.tests.conftest import declared

    municipality = seeding.get_municipality()
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    members = [
        Member(get_or_create_person(couple.anna), "applicant"),
        Member(get_or_create_person(couple.bo), "partner"),
        Member(get_or_create_person(couple.child), "child"),
    ]
    actor = Actor.system("test")
    case = open_case(
        municipality, members, actor=actor, unit=north, since=Month.parse(couple.month).first_day
    )
    application = submit_application(
        case, couple.month, declared(couple.anna, couple.bo, couple.child), actor=actor
    )
    process(application.pk)
    caseworker = make_staff(
        "anna.h", Role.CASEWORKER, [north], first_name="Anna", last_name="Handläggare"
    )
    review.approve(Proposal.objects.get(application=application), user=caseworker)
    return application


def test_the_applicant_appeals_on_mina_sidor(new_page, couple, axe):
    from bistand.appeals.models import Appeal

    application = _decided_application(couple)
    page = new_page()
    eid_log_in(page, couple, couple.anna)
    page.goto(f"/mina-sidor/ansokan/{application.pk}/")
    expect(page.get_by_role("heading", name="Överklagande", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Överklaga beslutet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Överklaga beslutet")
    axe(page)
    page.get_by_role("button", name="Skicka överklagandet").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Skriv vad du vill ändra i beslutet och varför.")
    expect(page).to_have_title("Fel: Överklaga beslutet – Bistånd")
    axe(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Vad vill du ändra i beslutet, och varför?")).to_be_focused()
    page.get_by_label("Vad vill du ändra i beslutet, och varför?").fill(
        "Hyran ska godtas i sin helhet."
    )
    page.get_by_role("button", name="Skicka överklagandet").click()
    page.wait_for_url(re.compile(rf"/mina-sidor/ansokan/{application.pk}/#overklagande$"))
    expect(page.get_by_text("Ditt överklagande är skickat.")).to_be_visible()
    expect(page.get_by_text("Nämnden ska pröva om det kom in i tid.")).to_be_visible()
    axe(page)
    appeal = Appeal.objects.get()
    assert appeal.text == "Hyran ska godtas i sin helhet." and appeal.appellant is not None
