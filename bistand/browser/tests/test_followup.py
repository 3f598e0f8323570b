"""The follow-up pages in a real browser: a team lead opens /uppfoljning/, reads the charts
and their tables, filters by period, downloads a table as CSV; axe-core checks every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bistand.followup.aggregates import refresh
from bistand.followup.tests import history as h

from .conftest import log_in, make_staff

pytestmark = pytest.mark.browser


@pytest.fixture
def team_lead(transactional_db):
    norr = h.unit("Norr")
    lead = make_staff("greta", "gruppledare", [norr], first_name="Greta", last_name="Gruppledare")
    caseworker = make_staff("hans", "handlaggare", [norr], first_name="Hans", last_name="H")
    adult = h.person("1990-05-01")
    case = h.household(norr, [adult])
    fast = h.application(case, "2025-03", submitted="2025-03-02 08:00")
    decision = h.decide(fast, "2025-03-02 10:00", automated=True)
    slow = h.application(h.household(norr, [h.person()]), "2025-03", submitted="2025-03-03 08:00")
    h.decide(slow, "2025-03-04 14:00", automated=False, user=caseworker, flags=["VEHICLE"])
    h.stickprov("2025-03", [(decision, "correct")])
    h.period(case, 1, "2025-01", "2025-03", {adult: "work"})
    refresh(months=["2025-01", "2025-02", "2025-03", "2025-04"])
    return lead


def test_a_team_lead_reads_the_follow_up_and_downloads_a_table(page, team_lead, axe):
    log_in(page, team_lead, then="/uppfoljning/?fran=2025-01&till=2025-04")
    expect(page.get_by_role("heading", name="Uppföljning: handläggning")).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("^Handläggningstid per månad"))
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name=re.compile("per beslutsväg"))
    # automated 2 h, caseworker 30 h: one of two within 24 hours
    expect(table.get_by_role("row", name=re.compile("^Alla beslut"))).to_contain_text("50,0 %")
    axe(page)

    page.get_by_label("Från månad").fill("2025-03")
    page.get_by_label("Till månad").fill("2025-03")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_text(re.compile("Urval: Norr, 2025-03 till 2025-03"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"som CSV\W*Flaggor per kod")).click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert content.splitlines()[1].startswith("VEHICLE;")
    axe(page)

    pages = page.get_by_role("navigation", name="Uppföljningens sidor")
    pages.get_by_role("link", name="Utfall").click()
    expect(page.get_by_role("heading", name="Uppföljning: utfall")).to_be_visible()
    axe(page)
    pages.get_by_role("link", name="Nyckeltal").click()
    expect(page.get_by_role("heading", name=re.compile("^Uppföljning: nyckeltal"))).to_be_visible()
    axe(page)
