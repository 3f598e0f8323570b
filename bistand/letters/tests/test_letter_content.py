"""What the letter says, read back from the PDF's text (förvaltningslagen 31–33 §§)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bistand.decisions.models import DecisionItem, Outcome
from bistand.letters import services
from bistand.letters.content import LetterError

from .conftest import AUTOMATED_FUNCTION, DELEGATION, make_caseworker, make_decision, pdf_text

pytestmark = pytest.mark.django_db

# April 2025, Exempelkommun, 1 adult and 1 child (4–6 years, lunch at förskola):
#   riksnorm   3 910 (ensamstående) + 2 700 (barn 4–6 år utan lunch) + 1 400 (gemensamma, 2 pers.)
#              = 8 010 kr
#   costs      6 500 (rent, under the cap of 6 800) + 300 (electricity) = 6 800 kr
#   need       8 010 + 6 800 = 14 810 kr
#   income     3 000 (salary) + 1 250 (barnbidrag) = 4 250 kr
#   granted    14 810 − 4 250 = 10 560 kr
GRANTED = "10 560 kr"


def letter_text(decision) -> str:
    return pdf_text(services.render_pdf(services.render_html(decision)))


def test_caseworker_grant_says_what_why_who_and_how_to_appeal(caseworker_decision):
    text = letter_text(caseworker_decision)
    reference = caseworker_decision.application.case.reference

    # Sender, date, diarienummer, to whom (31 §).
    assert "Exempelkommun" in text
    assert "Socialnämnden" in text
    assert "Beslutsdatum 2025-04-10" in text
    assert f"Diarienummer {reference}" in text
    assert "Anna Andersson (19850201-****)" in text
    # The decision per item: what, outcome, amount and month.
    assert "Du beviljas försörjningsstöd med 10 560 kr för april 2025." in text
    assert f"Försörjningsstöd för april 2025 Beviljas {GRANTED}" in text
    # Motivering (32 §): the item's reasons, its legal basis, the decisive facts.
    assert "Motivering" in text
    assert caseworker_decision.items.get().reasons.replace("\u00a0", " ") in text
    assert "Beslutet grundas på Socialtjänstlagen (2025:400) 12 kap. 1 och 7 §§." in text
    assert "Hushållet i ansökan: 1 vuxen och 1 barn." in text
    assert "Inkomster som räknas: 4 250 kr." in text
    # Who decided (31 §).
    assert "Vem har fattat beslutet" in text
    assert "Beslutet har fattats av Karin Berg, handläggare" in text
    assert "automatiskt" not in text
    # How to appeal (33 §, 44 §).
    assert "Så överklagar du" in text
    assert "förvaltningsrätten" in text
    assert "skicka eller lämna det till Socialnämnden, Exempelkommun" in text
    assert "inom tre veckor från den dag du fick del av beslutet" in text
    assert f"beslutsdatum 2025-04-10 och diarienummer {reference}" in text
    assert "vilken ändring du vill ha och varför" in text
    assert "skriv under överklagandet" in text


def test_calculation_appendix_has_every_line_with_amount_and_source(caseworker_decision):
    text = letter_text(caseworker_decision)
    appendix = text[text.index("Bilaga: Beräkning") :]

    assert "Personliga kostnader, ensamstående vuxen, sökande 3 910 kr" in appendix
    assert "2 700 kr" in appendix
    assert "Gemensamma hushållskostnader, 2 personer 1 400 kr" in appendix
    assert "Socialtjänstförordningen (2001:937) i lydelse enligt SFS 2024:1016" in appendix
    assert "Boendekostnad 6 500 kr Socialtjänstlagen (2025:400) 12 kap. 7 §" in appendix
    assert "Riktlinjer för ekonomiskt bistånd, Exempelkommun" in appendix
    assert "Lön (netto), sökande 3 000 kr Socialtjänstlagen (2025:400) 12 kap. 1 §" in appendix
    assert "Behov (riksnorm och skäliga kostnader) 14 810 kr" in appendix
    assert f"Försörjningsstöd för månaden {GRANTED}" in appendix
    for line in caseworker_decision.calculation.trace["lines"]:
        assert line["label"] in appendix


def test_automated_decision_names_the_function_version_delegation_and_parameters(
    automated_decision,
):
    text = letter_text(automated_decision)

    assert (
        f"Beslutet har fattats automatiskt av {AUTOMATED_FUNCTION} version 1.0.0 med stöd av "
        f"{DELEGATION} (kommunallagen (2017:725) 6 kap. 37 §), regelversion 1.0.0." in text
    )
    assert "Parameterversioner som beräkningen har använt" in text
    assert "Riksnormen, personliga kostnader för vuxna (riksnorm.adults) 2025-01-01 fastställd" in (
        text
    )
    for parameter in automated_decision.parameter_versions:
        assert parameter["id"] in text
    assert "handläggare ser över det" in text
    assert "Karin Berg" not in text
    assert "förvaltningsrätten" in text
    assert "tre veckor" in text


def test_refusal_says_it_is_refused_and_why(refusal):
    text = letter_text(refusal)

    assert refusal.outcome == Outcome.REFUSAL
    assert "Ansökan om försörjningsstöd för april 2025 avslås." in text
    assert "Försörjningsstöd för april 2025 Avslås 0 kr" in text
    # 3 000 → 20 000 kr salary: 21 250 kr counted, 6 440 kr more than the need of 14 810 kr.
    assert "Inkomsterna täcker behovet" in text
    assert "Inkomsterna är 6 440 kr högre än behovet." in text
    assert "borde ha fått försörjningsstöd eller ett högre belopp" in text
    assert "beviljas försörjningsstöd med" not in text
    assert "förvaltningsrätten" in text
    assert "tre veckor" in text


def test_partial_decision_lists_each_item_and_what_is_refused(caseworker_decision):
    decision = caseworker_decision
    DecisionItem.objects.create(
        decision=decision,
        code="other_need",
        label="Glasögon",
        outcome=Outcome.REFUSAL,
        amount_ore=0,
        reasons="Glasögon ingår i riksnormen för personliga kostnader (hälsa och hygien).",
        legal_basis="Socialtjänstlagen (2025:400) 12 kap. 1 §",
    )
    decision.outcome = Outcome.PARTIAL
    decision.save()

    text = letter_text(decision)

    assert "Ansökan beviljas delvis." in text
    assert "I övrigt avslås ansökan." in text
    assert f"Försörjningsstöd för april 2025 Beviljas {GRANTED}" in text
    assert "Glasögon Avslås 0 kr" in text
    assert f"Summa som beviljas {GRANTED}" in text
    assert "Glasögon ingår i riksnormen för personliga kostnader" in text
    assert "borde ha fått försörjningsstöd eller ett högre belopp" in text


def test_two_parties_are_both_named_and_addressed_as_ni(db):
    decision = make_decision(partner=True)
    text = letter_text(decision)

    assert "Anna Andersson (19850201-****)" in text
    assert "Bo Berg (19870303-****)" in text
    assert "Ni beviljas försörjningsstöd" in text
    assert "den dag ni fick del av beslutet" in text


def test_decision_date_is_the_day_in_sweden(db):
    # 22:30 UTC on 9 April is 00:30 on 10 April in Stockholm (summer time).
    decision = make_decision(decided_at=datetime(2025, 4, 9, 22, 30, tzinfo=UTC))
    assert "Beslutsdatum 2025-04-10" in letter_text(decision)


def test_a_caseworker_without_a_name_is_refused(db):
    nameless = make_caseworker(username="anonym", first="", last="")
    decision = make_decision(caseworker=nameless)
    with pytest.raises(LetterError, match="förvaltningslagen 31 §"):
        services.render_html(decision)


def test_an_automated_decision_without_delegation_is_refused(automated_decision):
    automated_decision.delegation_reference = ""
    automated_decision.save()
    with pytest.raises(LetterError, match="delegation"):
        services.render_html(automated_decision)


def test_letters_never_recompute(caseworker_decision, monkeypatch):
    def no_calculation(*args, **kwargs):
        raise AssertionError("a letter must read the archived calculation, not recompute it")

    monkeypatch.setattr("bistand.rules.calculation.calculate", no_calculation)
    monkeypatch.setattr("bistand.rules.calculation.calculate_json", no_calculation)
    assert GRANTED in letter_text(caseworker_decision)


def test_a_four_eyes_decision_names_both_caseworkers(db):
    second = make_caseworker(username="obeck", first="Olle", last="Beck")
    decision = make_decision(caseworker=second)
    decision.four_eyes_approver = make_caseworker()  # Karin Berg approved first
    decision.save()
    text = letter_text(decision)
    assert "Beslutet har fattats av Olle Beck, handläggare" in text
    assert (
        "Beslutet har därför först godkänts av Karin Berg, handläggare, och sedan av Olle Beck."
        in text
    )


def test_a_four_eyes_approver_without_a_name_is_refused(caseworker_decision):
    caseworker_decision.four_eyes_approver = make_caseworker(username="anonym", first="", last="")
    caseworker_decision.save()
    with pytest.raises(LetterError, match="fyraögonsprincipen"):
        services.render_html(caseworker_decision)
