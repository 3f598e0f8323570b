"""Deciding in a real browser: approve, change a cost with a motivering, refuse, download the
letter, and the team lead's stickprov control. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from bistand.audit.services import Actor
from bistand.decisions import review, stickprov
from bistand.decisions.models import ControlOutcome, Decision, Proposal, StickprovControl
from bistand.workspace.models import Adjustment

from .conftest import log_in
from .test_workspace import kr

pytestmark = pytest.mark.browser


def open_case(page, application) -> None:
    page.goto(f"/handlaggning/ansokan/{application.pk}/")
    expect(page.get_by_role("heading", name=re.compile("för april 2025$"))).to_be_visible()


def form_with(page, button: str):
    """The case view has one form per action; find one by its submit button."""
    return page.locator("form", has=page.get_by_role("button", name=button, exact=True))


def notice(page):
    return page.locator("main .notice").first


def test_approving_a_clean_proposal_decides_and_the_letter_downloads(page, office, axe, tmp_path):
    application = office.ready(flagged=False)[0]
    proposal = application.proposal
    log_in(page, office.caseworker)
    open_case(page, application)
    expect(page.get_by_role("region", name="Beslutsförslag")).to_contain_text(
        "Nämnden har inte delegerat beslutet"
    )
    expect(page.get_by_role("region", name=re.compile("^Flaggor att pröva"))).to_contain_text(
        "Inga flaggor."
    )
    axe(page)

    page.get_by_role("button", name="Godkänn förslaget och besluta").click()
    expect(notice(page)).to_contain_text(f"Beslutet är fattat: bifall, {kr(proposal.amount_ore)}.")
    decision_section = page.get_by_role("region", name="Beslut", exact=True)
    expect(decision_section).to_contain_text("av Anna Andersson")
    expect(page.get_by_role("button", name="Godkänn förslaget och besluta")).to_have_count(0)
    axe(page)

    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.amount_ore) == ("grant", proposal.amount_ore)
    assert decision.decided_by == office.caseworker

    with page.expect_download() as download:
        decision_section.get_by_role("link", name="Ladda ner beslutsbrev (PDF)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(saved).pages).replace("\u00a0", " ")
    assert application.case.reference in text
    assert kr(proposal.amount_ore) in text


def test_changing_a_cost_with_a_motivering_shows_the_recalculated_amount(page, office, axe):
    application = office.ready(flagged=False)[1]
    before = application.proposal.amount_ore
    rent = next(c for c in application.declared["costs"] if c["type"] == "rent")
    accepted = int(float(rent["amount"])) - 500
    log_in(page, office.caseworker)
    open_case(page, application)

    form = form_with(page, "Ändra kostnaden och räkna om")
    form.get_by_label("Kostnad").select_option(label="Boendekostnad")
    form.get_by_label("Godtaget belopp").fill(str(accepted))
    form.get_by_role("button", name="Ändra kostnaden och räkna om").click()
    # Without a motivering: the page comes back with the error, nothing is changed.
    summary = page.get_by_role("alert").filter(has_text="Det finns fel att rätta")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile("^Fel: "))
    axe(page)
    assert Proposal.objects.get(pk=application.proposal.pk).amount_ore == before

    motivering = "Hyresavin för april visar en lägre hyra."
    form = form_with(page, "Ändra kostnaden och räkna om")
    form.get_by_label("Kostnad").select_option(label="Boendekostnad")
    form.get_by_label("Godtaget belopp").fill(str(accepted))
    form.get_by_label("Motivering").fill(motivering)
    form.get_by_role("button", name="Ändra kostnaden och räkna om").click()

    after = before - 500_00
    expect(notice(page)).to_contain_text(f"Nytt förslag: {kr(after)}.")
    expect(page.get_by_role("region", name="Beslutsförslag")).to_contain_text(
        f"Bifall, {kr(after)}"
    )
    changes = page.get_by_role("region", name="Handläggarens ändringar av förslaget")
    expect(changes).to_contain_text(f"Motivering: {motivering}")
    expect(changes).to_contain_text(f"förslag före {kr(before)}, efter {kr(after)}")
    calculation = page.get_by_role("region", name="Beräkningen rad för rad")
    expect(
        calculation.locator(".govuk-summary-list__row", has_text="Försörjningsstöd för")
    ).to_contain_text(kr(after))
    axe(page)
    assert Proposal.objects.get(pk=application.proposal.pk).amount_ore == after
    assert Adjustment.objects.get(proposal=application.proposal).motivering == motivering


def test_refusing_with_a_motivering(page, office, axe):
    from bistand.kommunicering.services import record_waiver

    application = office.ready(flagged=True)[0]
    # A refusal goes against the applicant: kommunicering first (förvaltningslagen 25 §), or,
    # as here, a recorded reason to decide without it (bistand/kommunicering has its own test).
    record_waiver(application, user=office.caseworker, ground="nothing_new", text="Inget nytt.")
    log_in(page, office.caseworker)
    open_case(page, application)

    motivering = "Sökanden har inte skrivit in sig hos Arbetsförmedlingen trots uppmaning."
    form = form_with(page, "Besluta om avslag")
    form.get_by_label("Avslå helt", exact=True).check()
    form.get_by_label("Motivering").fill(motivering)
    form.get_by_role("button", name="Besluta om avslag").click()

    expect(notice(page)).to_contain_text("Beslutet är fattat: avslag, 0 kr.")
    decision_section = page.get_by_role("region", name="Beslut", exact=True)
    expect(decision_section).to_contain_text("Avslag, 0 kr")
    expect(decision_section).to_contain_text(motivering)
    axe(page)
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.amount_ore) == ("refusal", 0)
    assert motivering in decision.items.get().reasons


def test_the_team_lead_records_a_stickprov_control(page, office, axe):
    for application in office.ready(flagged=False)[:2]:
        review.approve(application.proposal, user=office.caseworker)
    municipality = office.caseworker.staff.municipality
    stickprov.draw(
        municipality, office.month, actor=Actor.system("test"), percent=100, seed="browser"
    )
    pending = list(
        StickprovControl.objects.filter(decision__application__case__unit__name="Enhet Nord")
        .select_related("decision__application__case")
        .order_by("pk")
    )
    assert len(pending) == 2
    control = pending[0]
    reference = control.decision.application.case.reference

    log_in(page, office.team_lead)
    tabs = page.get_by_role("navigation", name="Köer")
    tabs.get_by_role("link", name="Stickprov (2)").click()
    table = page.get_by_role("table", name=re.compile("^Stickprov att kontrollera"))
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("Anna Andersson")
    axe(page)

    row = table.locator("tr", has=page.get_by_role("link", name=reference))
    row.get_by_label(f"Resultat för {reference}").select_option(label="korrekt")
    row.get_by_label(f"Kommentar för {reference}").fill("Underlagen stämmer.")
    row.get_by_role("button", name=f"Spara kontroll av {reference}").click()

    expect(notice(page)).to_contain_text(f"Kontrollen av {reference} är registrerad.")
    expect(tabs.get_by_role("link", name="Stickprov (1)")).to_be_visible()
    expect(table.get_by_role("link", name=reference)).to_have_count(0)
    axe(page)
    control.refresh_from_db()
    assert control.outcome == ControlOutcome.CORRECT
    assert control.note == "Underlagen stämmer."
