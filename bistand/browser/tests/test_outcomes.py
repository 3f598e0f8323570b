"""Closing a case in a real browser: the case view's period section, the closing page with
its errors, the reasons afterwards and the robot's proposals; axe-core checks every page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from bistand.cases.models import Application, State

from .conftest import log_in

pytestmark = pytest.mark.browser


def test_a_caseworker_closes_a_case_with_a_reason_per_adult(page, office, axe):
    from bistand.outcomes import tasks
    from bistand.outcomes.services import adults, current_period

    application = office.ready(flagged=False)[0]
    Application.objects.filter(pk=application.pk).update(state=State.DECIDED)
    case = application.case
    people = adults(case, application.month)
    log_in(page, office.caseworker, then=f"/handlaggning/ansokan/{application.pk}/")
    section = page.get_by_role("region", name="Biståndsperiod och avslut")
    expect(section).to_contain_text("Pågår")
    axe(page)

    section.get_by_role("link", name="Avsluta ärendet").click()
    expect(page.get_by_role("heading", name="Avsluta ärendet")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Avsluta ärendet").click()
    expect(page).to_have_title(re.compile("^Fel: "))
    expect(page.get_by_role("heading", name="Det finns fel att rätta")).to_be_visible()
    axe(page)

    for person in people:
        page.locator(f"#id_reason_{person.pk}").select_option("work")
    page.get_by_label("Jag bekräftar att ärendet ska avslutas").check()
    page.get_by_role("button", name="Avsluta ärendet").click()
    expect(page).to_have_url(re.compile(rf"/handlaggning/ansokan/{application.pk}/$"))
    reasons = page.get_by_role("table", name=re.compile("^Avslutsorsaker i period 1"))
    expect(reasons.locator("tbody tr")).to_have_count(len(people))
    expect(reasons).to_contain_text("Arbete")
    axe(page)
    assert not current_period(case).is_open

    # The robot's proposals: every decided household that stopped applying.
    other = office.ready(flagged=True)[0]
    Application.objects.filter(pk=other.pk).update(state=State.DECIDED)
    assert tasks.propose_closures(date(2025, 7, 1))
    page.goto("/handlaggning/avslutsforslag/")
    table = page.get_by_role("table", name=re.compile("^Öppna förslag"))
    expect(table.get_by_role("link", name=other.case.reference, exact=True)).to_be_visible()
    axe(page)
