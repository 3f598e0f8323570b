"""What the case view shows: the flags with their evidence, the application beside the
registers with discrepancies marked and unknown sources as unknown, the changes since last
month, the calculation line by line with its legal references, earlier months, history and
journal — and never an address or a full personnummer."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bistand.decisions import review
from bistand.robot.models import RegisterFetch

from .conftest import APPLICANT, PARTNER, declared, proposal_of

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as a person reads it: tags dropped, whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", htmllib.unescape(body)).replace("\u00a0", " ")


@pytest.fixture
def page(client, world, ready):
    client.force_login(world.users["anna"])
    response = client.get(f"/handlaggning/ansokan/{ready.pk}/")
    assert response.status_code == 200
    return response


def test_the_flags_with_their_evidence(page):
    shown = text(page)
    assert "Flaggor att pröva (2)" in shown
    assert "Inkomst skiljer sig från register (INCOME_DIFFERS)" in shown
    assert "Lön enligt ansökan 8 000 kr, enligt Skatteverket 9 500 kr" in shown
    assert "Enligt ansökan 8 000 kr Enligt register 9 500 kr" in shown  # the evidence
    assert "Inkomstslag Lön (netto)" in shown
    assert "Registeruppgift okänd (REGISTER_UNKNOWN)" in shown
    assert "Källa Arbetsförmedlingen" in shown


def test_application_and_registers_side_by_side_with_the_discrepancy_marked(page):
    html = page.content.decode()
    shown = text(page)
    assert "Inkomster enligt ansökan och enligt register" in shown
    row = re.search(r'<tr class="govuk-table__row discrepancy">(.*?)</tr>', html, re.S).group(1)
    row_text = re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", row)))
    row_text = row_text.replace("\u00a0", " ")
    assert "Lön (netto)" in row_text and "8 000 kr" in row_text and "9 500 kr" in row_text
    assert "Avvikelse: Skiljer sig: 1 500 kr" in row_text
    assert "⚠" in row  # a mark besides the colour


def test_an_unknown_source_is_shown_as_unknown_never_as_nothing(client, world):
    case = world.household("skv", world.north)
    application = world.apply(case, unknown_source="SKV")  # SKV reports the salary
    client.force_login(world.users["anna"])
    shown = text(client.get(f"/handlaggning/ansokan/{application.pk}/"))
    assert "Skatteverket ⚠ okänt – källan svarade inte" in shown
    # The declared salary cannot be compared: the register side is unknown, not 0 kr or none.
    assert (
        "Lön (netto) sökande (19850201-****) 8 000 kr okänt – källan svarade inte Skatteverket "
        "⚠ Avvikelse: Kan inte jämföras: registret är okänt" in shown
    )
    assert "Lön (netto) sökande (19850201-****) 8 000 kr 0 kr" not in shown


def test_no_address_and_no_full_personnummer(page):
    html = page.content.decode()
    assert "adr-hemlig" not in html
    for number in (APPLICANT, PARTNER):
        assert number not in html
        assert f"{number[:8]}-{number[8:]}" not in html
        assert f"{number[:8]}-****" in html


def test_the_calculation_line_by_line_with_legal_references(page):
    shown = text(page)
    assert "Beräkningen rad för rad" in shown
    assert (
        "Personliga kostnader, sambor/makar tillsammans sökande a och medsökande b 7 050 kr "
        "Enligt Socialtjänstförordningen (2001:937) i lydelse enligt SFS 2024:1016" in shown
    )
    assert "Boendekostnad 6 500 kr Enligt Socialtjänstlagen (2025:400) 12 kap. 7 §" in shown
    assert "Lön (netto) sökande a 8 000 kr Enligt Socialtjänstlagen (2025:400) 12 kap. 1 §" in shown
    assert "Försörjningsstöd för månaden 10 320 kr" in shown
    assert "Hela beräkningen som text" in shown  # explain.render of the archived trace


def test_the_history_and_earlier_months(page, ready):
    shown = text(page)
    assert "mars 2025 nyansökan utbetald bifall" in shown
    assert "Inkommen → under automatisk handläggning Roboten" in shown
    assert "Under automatisk handläggning → beslutsförslag klart Roboten" in shown
    assert "Förändringar sedan förra månaden" in shown
    assert "Personer i hushållet 3 3 Oförändrad" in shown


def test_changes_since_last_month_are_marked(client, world):
    case = world.household("rent", world.north)
    data = declared(
        costs=[{"type": "rent", "amount": "7000.00"}, {"type": "electricity", "amount": "300.00"}]
    )
    application = world.apply(case, data=data)
    client.force_login(world.users["anna"])
    shown = text(client.get(f"/handlaggning/ansokan/{application.pk}/"))
    assert "Boendekostnad 6 500 kr 7 000 kr ⚠ Ändrad" in shown
    assert "Boendekostnaden har ändrats (RENT_CHANGED)" in shown
    assert "Förra månaden 6 500 kr" in shown  # the flag's evidence


def test_a_decided_application_shows_the_decision_and_no_actions(client, world, ready):
    from bistand.kommunicering.services import record_waiver

    record_waiver(ready, user=world.users["anna"], ground="nothing_new", text="Inget nytt.")
    review.refuse(
        proposal_of(ready), user=world.users["anna"], amount="5000", motivering_text="Rådrum."
    )
    client.force_login(world.users["bo"])
    shown = text(client.get(f"/handlaggning/ansokan/{ready.pk}/"))
    assert "Beslut Utfall Delvis bifall, 5 000 kr" in shown
    assert "av Anna Testsson" in shown
    assert "Beslutsförslag klart → beslutad Anna Testsson beslut av handläggare" in shown
    assert "Rådrum." in shown
    assert "Ladda ner beslutsbrev (PDF)" in shown
    assert "Godkänn förslaget och besluta" not in shown


def test_forms_have_labels_and_the_page_has_its_landmarks(page):
    html = page.content.decode()
    assert '<html lang="sv"' in html and '<main id="main"' in html
    assert html.count("<h1") == 1
    for field in ("id_kostnad-amount", "id_kostnad-motivering", "id_avslag-amount"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert "https://" not in html and "http://" not in html
    for caption in re.findall(r"<table class=\"govuk-table[^\"]*\">\s*(<caption)?", html):
        assert caption == "<caption"


def test_case_view_queries_are_bounded(client, world, ready, django_assert_max_num_queries):
    client.force_login(world.users["anna"])
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/handlaggning/ansokan/{ready.pk}/")
    for i in range(3):
        review.add_journal_note(ready.case, user=world.users["anna"], text=f"Anteckning {i}")
    with django_assert_max_num_queries(len(captured)):
        client.get(f"/handlaggning/ansokan/{ready.pk}/")


def test_provisional_amounts_are_named_as_the_calculation_names_them():
    """The rules engine cites its tables ("riksnorm.children 15-18"); the caseworker reads the
    calculation's own lines and amounts. (2023's table is provisional: copied from a secondary
    source; 2026's is official since SFS 2025:1046.)"""
    from types import SimpleNamespace

    from bistand.rules import calculate_json
    from bistand.workspace import caseview

    result = calculate_json(
        {
            "month": "2023-04",
            "members": [
                {"id": "a", "role": "applicant", "born": "1980-01-01"},
                {"id": "c1", "role": "child", "born": "2006-06-01"},
            ],
        }
    )
    document = result.trace()  # as archived in a CalculationSnapshot
    flag = next(f for f in document["flags"] if f["code"] == "PROVISIONAL_PARAMETER")
    assert "riksnorm.children 15-18" in flag["evidence"]["parameters"]
    proposal = SimpleNamespace(flags=[flag], calculation=SimpleNamespace(trace=document))

    [view] = caseview.flags(proposal, "2023-04")
    assert view.label == "Preliminärt belopp"
    assert "riksnorm." not in view.message
    [(label, value)] = view.evidence
    assert label == "Preliminära belopp"
    assert "Personliga kostnader, barn 15–18 år: " in value
    assert "riksnorm." not in value


def test_the_housing_answers_and_migrationsverket_are_shown(client, world):
    case = world.household("andrahand", world.north)
    housing = {
        "type": "sublet",
        "rooms": 2,
        "sublet_consent": "dont_know",
        "sublet_consent_attachment": False,
    }
    permit = {
        "kind": "residence",
        "basis": "permit",
        "permits": [
            {
                "permit_type": "residence",
                "decision_code": "BV",
                "valid_from": "2025-01-01",
                "valid_until": "2027-06-30",
            }
        ],
    }
    application = world.apply(case, data=declared(housing=housing))
    # Migrationsverket's answer as the robot stored it (the seeded household are citizens)
    RegisterFetch.objects.filter(
        application=application, person__personnummer=APPLICANT, source="MIV"
    ).update(records=[permit])
    client.force_login(world.users["anna"])
    shown = text(client.get(f"/handlaggning/ansokan/{application.pk}/"))
    assert "Boende Hyr i andra hand" in shown
    assert "Hyresvärden eller styrelsen har godkänt andrahandsuthyrningen Vet inte" in shown
    assert "Samtycket finns som bilaga Nej" in shown
    assert "Migrationsverket Svar Uppehållstillstånd 2025-01-01 – 2027-06-30" in shown
