"""Browser test of kommunicering on Mina sidor (bistand/kommunicering): the caseworker has
sent the material (the rent capped at the municipality's guideline); the applicant sees the
notice on Mina sidor, reads the material on the application's page, is told at the top and
next to the field when the answer is empty, and answers; axe-core finds no serious or critical
violation on any of the pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import eid_log_in, make_staff

pytestmark = pytest.mark.browser


def _capped_application(couple):
    """Anna's and Bo's application with a rent above the guideline, and the kommunicering."""
    from bistand.audit.services import Actor
    from bistand.cases import seeding
    from bistand.cases.models import Unit
    from bistand.cases.services import Member, get_or_create_person, open_case, submit_application
    from bistand.kommunicering import services
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
    data = declared(couple.anna, couple.bo, couple.child)
    data["costs"][0]["amount"] = "15000.00"
    application = submit_application(case, couple.month, data, actor=actor)
    process(application.pk)
    caseworker = make_staff(
        "anna.k", Role.CASEWORKER, [north], first_name="Anna", last_name="Handläggare"
    )
    sent = services.send(
        application,
        user=caseworker,
        keys=["cap-rent"],
        text="Hyran är högre än kommunens riktlinje för er familj.",
        deadline=services.default_deadline(),
    )
    return application, sent


def test_the_applicant_answers_on_mina_sidor(new_page, couple, axe):
    application, sent = _capped_application(couple)
    page = new_page()
    eid_log_in(page, couple, couple.anna)
    expect(page.get_by_text("Du har fått material att yttra dig över")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Läs materialet och svara").click()
    expect(page.get_by_role("heading", name="Material att yttra dig över")).to_be_visible()
    expect(page.get_by_text("Hyran är högre än kommunens riktlinje för er familj.")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Skicka svaret").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Skriv ditt svar innan du skickar.")
    expect(page).to_have_title(re.compile(r"^Fel: Svara på kommunicering"))
    axe(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Ditt svar")).to_be_focused()
    page.get_by_label("Ditt svar").fill("Vi har sökt billigare bostad men inte fått någon.")
    page.get_by_role("button", name="Skicka svaret").click()
    page.wait_for_url(re.compile(rf"/mina-sidor/ansokan/{application.pk}/#kommunicering$"))
    expect(page.get_by_text("Tack! Ditt svar är skickat.")).to_be_visible()
    material = page.get_by_role("region", name="Material att yttra dig över")
    expect(material).to_contain_text("Vi har sökt billigare bostad men inte fått någon.")
    expect(material.get_by_role("button", name="Skicka svaret")).to_have_count(0)
    axe(page)
    sent.refresh_from_db()
    assert sent.answer == "Vi har sökt billigare bostad men inte fått någon."
