"""Browser test of the urgent application on Mina sidor (bistand/urgent): the applicant follows
"Jag behöver akut hjälp i dag", is told what is missing at the top and next to the field, asks,
and sees it received on Mina sidor; axe-core finds no serious or critical violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import eid_log_in

pytestmark = pytest.mark.browser


def _case(couple):
    from bistand.audit.services import Actor
    from bistand.cases import seeding
    from bistand.cases.models import Unit
    from bistand.cases.services import Member, get_or_create_person, open_case
    from bistand.rules.period import Month

    municipality = seeding.get_municipality()
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    members = [
        Member(get_or_create_person(couple.anna), "applicant"),
        Member(get_or_create_person(couple.bo), "partner"),
        Member(get_or_create_person(couple.child), "child"),
    ]
    return open_case(
        municipality,
        members,
        actor=Actor.system("test"),
        unit=north,
        since=Month.parse(couple.month).first_day,
    )


def test_the_applicant_asks_for_urgent_help(new_page, couple, axe):
    from bistand.urgent.models import UrgentRequest

    case = _case(couple)
    page = new_page()
    eid_log_in(page, couple, couple.anna)
    page.goto("/mina-sidor/")
    expect(page.get_by_role("heading", name="Akut hjälp", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Jag behöver akut hjälp i dag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jag behöver akut hjälp i dag")
    axe(page)
    page.get_by_role("button", name="Skicka ansökan om akut hjälp").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Välj varför du behöver hjälp i dag.")
    expect(page).to_have_title(re.compile(r"^Fel: Jag behöver akut hjälp i dag"))
    axe(page)
    page.get_by_label("Elen stängs av").check()
    page.get_by_label("Beskriv vad som har hänt").fill("Elbolaget stänger av i morgon.")
    page.get_by_label("Hur många dagar behöver du hjälp för?").fill("3")
    page.get_by_role("button", name="Skicka ansökan om akut hjälp").click()
    page.wait_for_url(re.compile(r"/mina-sidor/$"))
    expect(page.get_by_text("Din ansökan om akut hjälp har kommit in.")).to_be_visible()
    expect(page.get_by_text("Inkommen – vi beslutar i dag")).to_be_visible()
    axe(page)
    urgent = UrgentRequest.objects.get(case=case)
    assert urgent.reason == "electricity" and urgent.days == 3
