"""Swedish by default, English when the applicant chooses it with the language form (the
language cookie); the browser's Accept-Language is not followed."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.dates import MONTHS

from bistand.decisions.review import cost_types, known_income_types
from bistand.eservice import forms
from bistand.eservice.models import Draft

from .test_apply import SOLO, complete, month, municipality, register_alone  # noqa: F401


def choose(client, language: str, next: str = "/mina-sidor/") -> None:
    """The language form in the page header (Django's set_language)."""
    response = client.post("/i18n/setlang/", {"language": language, "next": next})
    assert response.status_code == 302
    assert response["Location"] == next
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


def page(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response
    return response.content.decode()


def month_name(value: str, language: str) -> str:
    year, number = value.split("-")
    with translation.override(language):
        return f"{MONTHS[int(number)]} {year}"


@pytest.fixture
def english(client, eid, register_simulator, municipality, month):  # noqa: F811
    register_alone(register_simulator, SOLO, month)
    choose(client, "en", next="/mina-sidor/logga-in/")
    return client


def test_the_applicant_pages_in_english(english, eid_login, month):  # noqa: F811
    client = english
    login = page(client, "/mina-sidor/logga-in/")
    assert '<html lang="en">' in login
    assert "Log in to apply for financial assistance (ekonomiskt bistånd)" in login
    assert "Log in with e-ID (BankID or Freja)" in login
    assert "Logga in" not in login
    assert 'lang="sv">På svenska</button>' in login  # the way back, in its own language

    eid_login(client, SOLO)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"  # survives the login
    client.post("/mina-sidor/ansok/", {"month": month})
    draft = Draft.objects.get()

    step = page(client, f"/mina-sidor/ansok/{draft.pk}/boende/")
    assert '<html lang="en">' in step
    assert "Housing – step 2 of 9" in step
    assert "What kind of home do you live in?" in step
    assert "Rented home (first-hand contract)" in step
    assert "Save and continue" in step
    assert "Hur bor du?" not in step
    incomes = page(client, f"/mina-sidor/ansok/{draft.pk}/inkomster/")
    assert "Salary (after tax)" in incomes  # the rules engine's catalogue, translated
    assert "Lön (netto)" not in incomes
    costs = page(client, f"/mina-sidor/ansok/{draft.pk}/kostnader/")
    assert "Household electricity (SEK per month)" in costs
    attachments = page(client, f"/mina-sidor/ansok/{draft.pk}/bilagor/")
    assert "PDF, JPG or PNG, at most" in attachments

    wrong = client.post(
        f"/mina-sidor/ansok/{draft.pk}/boende/", {"type": "rent", "rent": "tusen"}
    ).content.decode()
    assert "There are errors in the form" in wrong
    assert wrong.count("Write the amount in kronor using digits") >= 2  # top, and at the field
    assert "Skriv beloppet" not in wrong

    client.post(f"/mina-sidor/ansok/{draft.pk}/tillgangar/", {"bank_value": "100"})
    complete(Draft.objects.get(), costs=[{"type": "electricity", "amount": "300.00"}])
    review = page(client, f"/mina-sidor/ansok/{draft.pk}/granska/")
    assert '<html lang="en">' in review
    assert "Review and sign" in review
    assert "Household electricity" in review
    assert "Money in bank accounts" in review
    assert "I confirm that the information is correct and complete" in review
    # The default description is stored in Swedish, the caseworkers' language.
    assert Draft.objects.get().data["assets"][0]["description"] == "Pengar på bankkonton"
    unconfirmed = client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {}).content.decode()
    assert "Tick the box to confirm that the information is correct" in unconfirmed

    signed = client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"}, follow=True)
    assert "Your application has been sent in." in signed.content.decode()
    home = page(client, "/mina-sidor/")
    assert '<html lang="en">' in home
    assert "My applications" in home
    assert f"Application for {month_name(month, 'en')}" in home
    assert "Received" in home  # the status
    assert "Mina sidor" not in home and "Inkommen" not in home


def test_swedish_without_the_cookie_whatever_the_browser_asks_for(
    english,
    eid_login,
    month,  # noqa: F811
):
    client = english
    eid_login(client, SOLO)
    client.post("/mina-sidor/ansok/", {"month": month})
    draft = Draft.objects.get()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    for url in ("/mina-sidor/", f"/mina-sidor/ansok/{draft.pk}/boende/"):
        swedish = page(client, url, accept_language="en-GB,en;q=0.9")
        assert '<html lang="sv">' in swedish
        assert "Mina sidor" in swedish
        assert "My pages" not in swedish
    step = page(client, f"/mina-sidor/ansok/{draft.pk}/boende/", accept_language="en")
    assert "Hur bor du?" in step and "Spara och fortsätt" in step
    client.logout()
    login = page(client, "/mina-sidor/logga-in/", accept_language="en")
    assert '<html lang="sv">' in login
    assert "Logga in med e-legitimation" in login
    # and back to Swedish with the form, too
    choose(client, "en")
    choose(client, "sv")
    assert '<html lang="sv">' in page(client, "/mina-sidor/logga-in/")


@pytest.mark.parametrize(
    ("catalogue", "labels"),
    [(known_income_types, forms.income_type_labels), (cost_types, forms.cost_type_labels)],
)
def test_every_income_and_cost_type_has_an_english_label(catalogue, labels, month):  # noqa: F811
    """The catalogue's labels are Swedish; a type added or relabelled in the rules engine's
    YAML needs its text in forms.py and a translation in bistand/locale."""
    swedish = catalogue(month)
    with translation.override("sv"):
        assert labels(month) == swedish
    with translation.override("en"):
        english = labels(month)
    untranslated = {code: label for code, label in english.items() if label == swedish[code]}
    assert untranslated == {}
