"""Browser test of kommunicering (bistand/kommunicering), the walk of issue 12: the robot caps
the rent at the municipality's guideline; the caseworker is told to communicate before
deciding, sends the material from the case view; the applicant sees the notice on Mina sidor,
reads the material, is told at the top and next to the field when the answer is empty, and
answers; the caseworker then decides. axe-core finds no serious or critical violation on any
of the pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import eid_log_in, log_in, make_staff

pytestmark = pytest.mark.browser


def _capped_application(couple):
    """Anna's and Bo's application with a rent above the guideline, and a caseworker."""
    from bistand.audit.services import Actor
    from bistand.cases import seeding
    from bistand.cases.models import Unit
    from bistand.cases.services import Member, get_or_create_person, open_case, submit_application
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
    return application, caseworker


def test_the_applicant_answers_on_mina_sidor(new_page, couple, axe):
    from bistand.decisions.models import Decision
    from bistand.kommunicering.models import Kommunicering

    application, caseworker = _capped_application(couple)
    staff = new_page()
    log_in(staff, caseworker, then=f"/handlaggning/ansokan/{application.pk}/")
    panel = staff.get_by_role("region", name="Kommunicering")
    expect(panel).to_contain_text("Förslaget går emot den sökande i: Boendekostnad: godtas med")
    expect(panel).to_contain_text("kommunicera innan beslut")
    axe(staff)
    panel.get_by_role("link", name="Skicka kommunicering").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Skicka kommunicering")
    expect(staff.get_by_label(re.compile("^Boendekostnad: godtas med"))).to_be_checked()
    axe(staff)
    staff.get_by_label("Text till den sökande (frivillig)").fill(
        "Hyran är högre än kommunens riktlinje för er familj."
    )
    staff.get_by_role("button", name="Skicka till den sökande").click()
    expect(staff.get_by_text("Kommuniceringen är skickad.")).to_be_visible()
    sent = Kommunicering.objects.get(application=application)

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

    # The answer has come: the caseworker decides as proposed (the rent capped).
    staff.goto("/handlaggning/kommunicering/")
    expect(staff.get_by_text("Besvarad: kan beslutas")).to_be_visible()
    axe(staff)
    staff.goto(f"/handlaggning/ansokan/{application.pk}/")
    staff.get_by_role("button", name="Godkänn förslaget och besluta").click()
    expect(staff.locator("main .notice").first).to_contain_text("Beslutet är fattat")
    assert Decision.objects.filter(application=application).exists()
