"""A caseworker in a real browser: logging in, the queues, a flagged case and what they must
not see. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bistand.cases.models import Application
from bistand.rules.money import format_kr, from_ore

from .conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser

#: A personnummer in clear (12 or 10 digits, with or without the dash); masked ones end in ****.
CLEAR_PERSONNUMMER = re.compile(r"\b(?:19|20)?\d{6}[-+]?\d{4}\b")


def text_of(page) -> str:
    return page.locator("main").inner_text().replace("\u00a0", " ")


def kr(ore: int) -> str:
    return format_kr(from_ore(ore)).replace("\u00a0", " ")


def test_a_caseworker_logs_in_and_sees_the_queues_of_her_unit(page, office, axe):
    page.goto("/handlaggning/")
    expect(page).to_have_url(re.compile(r"/konto/logga-in/\?next=/handlaggning/"))
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    axe(page)

    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill("fel lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Det gick inte att logga in")).to_be_visible()
    expect(page).to_have_title(re.compile("^Fel: "))
    axe(page)

    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"/handlaggning/$"))
    expect(page.get_by_role("heading", name="Handläggning", exact=True)).to_be_visible()
    expect(page.get_by_text("Inloggad som Anna Andersson")).to_be_visible()

    waiting = office.ready(flagged=False) + office.ready(flagged=True)
    tabs = page.get_by_role("navigation", name="Köer")
    expect(tabs.get_by_role("link", name=f"Att besluta ({len(waiting)})")).to_have_attribute(
        "aria-current", "page"
    )
    table = page.get_by_role("table", name=re.compile("^Att besluta"))
    expect(table.locator("tbody tr")).to_have_count(len(waiting))
    for application in waiting:
        expect(table.get_by_role("link", name=application.case.reference)).to_be_visible()
    elsewhere = Application.objects.filter(month=office.month, case__unit__name="Enhet Syd")
    assert elsewhere.exists()
    for application in elsewhere:  # Enhet Syd's cases are not hers
        expect(table.get_by_role("link", name=application.case.reference)).to_have_count(0)
    assert not CLEAR_PERSONNUMMER.search(text_of(page))
    axe(page)

    flagged = office.ready(flagged=True)
    tabs.get_by_role("link", name=f"Flaggade ({len(flagged)})").click()
    table = page.get_by_role("table", name=re.compile("^Flaggade"))
    expect(table.locator("tbody tr")).to_have_count(len(flagged))
    expect(table).to_contain_text("Inte inskriven hos Arbetsförmedlingen")
    axe(page)

    page.get_by_label("Flagga").select_option(label="Fordon")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("table").get_by_text("Inga ansökningar i kön.")).to_be_visible()
    axe(page)


def test_a_flagged_case_shows_the_evidence_and_the_explained_calculation(page, office, axe):
    application = office.ready(flagged=True)[0]
    proposal = application.proposal
    [flag] = proposal.flags
    # Seed 1 plants it in Enhet Nord: an adult not registered with Arbetsförmedlingen.
    assert flag["code"] == "NOT_REGISTERED_AF", proposal.flags
    log_in(page, office.caseworker)

    page.get_by_role("navigation", name="Köer").get_by_role("link", name="Flaggade").click()
    page.get_by_role("link", name=application.case.reference).click()
    expect(page).to_have_url(re.compile(rf"/handlaggning/ansokan/{application.pk}/$"))
    expect(page.get_by_role("heading", name="Återansökan för april 2025")).to_be_visible()

    proposal_section = page.get_by_role("region", name="Beslutsförslag")
    expect(proposal_section).to_contain_text(f"Bifall, {kr(proposal.amount_ore)}")
    expect(proposal_section).to_contain_text("Roboten har flaggat uppgifter")

    flags = page.get_by_role("region", name=re.compile("^Flaggor att pröva"))
    expect(
        flags.get_by_role("heading", name=re.compile("^Flaggor att pröva \\(1\\)"))
    ).to_be_visible()
    expect(flags.get_by_role("heading", name=re.compile("Inte inskriven hos"))).to_be_visible()
    expect(flags).to_contain_text(f"({flag['code']})")
    expect(flags).to_contain_text(flag["message"])
    # The evidence: whose registration it is, masked.
    expect(flags.locator("dl.evidence dt")).to_have_text(["Person"])
    expect(flags.locator("dl.evidence dd")).to_have_text([re.compile(r"^sökande \(\d{8}-\*{4}\)$")])

    calculation = page.get_by_role("region", name="Beräkningen rad för rad")
    for caption in ("Riksnormen", "Skäliga kostnader utöver riksnormen", "Inkomster"):
        expect(calculation.get_by_role("table", name=caption, exact=True)).to_be_visible()
    expect(calculation).to_contain_text("Socialtjänstförordningen (2001:937)")
    expect(calculation).to_contain_text("Socialtjänstlagen (2025:400) 12 kap.")
    amount_row = calculation.locator(".govuk-summary-list__row", has_text="Försörjningsstöd för")
    expect(amount_row).to_contain_text(kr(proposal.amount_ore))
    explanation = calculation.locator("pre.explanation")
    expect(explanation).to_be_hidden()
    calculation.get_by_text("Hela beräkningen som text").click()
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("Riksnorm")
    assert not CLEAR_PERSONNUMMER.search(text_of(page))
    axe(page)


def test_a_case_of_another_unit_is_not_found(page, office, axe):
    elsewhere = (
        Application.objects.filter(month=office.month, case__unit__name="Enhet Syd")
        .order_by("pk")
        .first()
    )
    log_in(page, office.caseworker)
    response = page.goto(f"/handlaggning/ansokan/{elsewhere.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(elsewhere.case.reference)
    axe(page)
