"""The applicant's pages finished (issue 9, part 5): people by name where the applicant may
know them, Swedish plurals, each error once, the decision page readable on a phone with a
way back, a Swedish page before and after the e-ID logout, and the choice of month explained."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from bistand.cases.models import Person
from bistand.cases.services import get_or_create_person
from bistand.eservice import forms
from bistand.eservice.models import Draft
from bistand.eservice.services import months_open
from bistand.eservice.views.minasidor import month_name
from bistand.eservice.views.summary import summary
from bistand.letters.services import existing_letter
from bistand.workspace.caseview import _facts

from .test_apply import SOLO, month, municipality, register_alone, solo  # noqa: F401
from .test_minasidor import APPLICANT, decided, family, flat, page  # noqa: F401

SARA = "199003152387"
JOHAN = "198809021515"
CHILD = "201503032383"


def named(number: str, given: str, last: str) -> Person:
    return get_or_create_person(number, given_name=given, family_name=last)


# --------------------------------------------------------------------------- names


def test_the_household_step_names_the_people_folkbokforingen_lists(db):
    named(JOHAN, "Johan", "Nilsson")
    form = forms.HouseholdForm(
        members=[
            {"personnummer": SARA, "role": "applicant"},
            {"personnummer": JOHAN, "role": "partner", "from_register": True},
            {"personnummer": CHILD, "role": "child", "from_register": True},
        ],
        applicant=SARA,
    )
    labels = [role.label for role, _days in form.member_fields()]
    # Johan by name; the child, whose name the system does not know, by birth date.
    assert labels == ["Johan Nilsson, född 1988-09-02", "Person född 2015-03-03 (20150303-****)"]


def test_the_summary_names_the_applicant_and_the_reader_but_not_someone_typed_in(db):
    named(SARA, "Sara", "Nilsson")
    named(JOHAN, "Johan", "Nilsson")
    data = {
        "members": [
            {"personnummer": SARA, "role": "applicant"},
            {"personnummer": JOHAN, "role": "partner"},  # typed in by Sara
            {"personnummer": CHILD, "role": "child", "days": 1},
        ],
        "incomes": [{"personnummer": JOHAN, "type": "salary", "amount": "1000.00"}],
    }
    household = dict(summary(data, months_open()[0])[0]["rows"])
    assert household["Sökande"] == "Sara Nilsson, född 1990-03-15"
    # Typing a personnummer never tells whose it is: Johan by birth date on Sara's pages...
    assert household["Medsökande"] == "Person född 1988-09-02 (19880902-****)"
    assert household["Barn"] == "Person född 2015-03-03 (20150303-****) – 1 dag per månad"
    # ... and by name when Johan reads it himself (signing, Mina sidor).
    his = summary(data, months_open()[0], me=JOHAN)
    assert dict(his[0]["rows"])["Medsökande"] == "Johan Nilsson, född 1988-09-02"
    assert his[2]["rows"][0][0].startswith("Johan Nilsson: ")


def test_the_name_comes_from_the_id_token_at_every_login(client, eid_login, municipality):  # noqa: F811
    get_or_create_person(SOLO, given_name="Maja", family_name="Ek")
    eid_login(client, SOLO, given_name="Maja", family_name="Lind")
    person = Person.objects.get(personnummer=SOLO)
    assert (person.given_name, person.family_name) == ("Maja", "Lind")
    assert "Inloggad som <strong>Maja Lind</strong>" in page(client, "/mina-sidor/")
    # A token without a name keeps the name known.
    eid_login(client, SOLO)
    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("Maja", "Lind")


def test_mina_sidor_shows_the_applicants_name_in_the_application(client, eid_login, decided):  # noqa: F811
    eid_login(client, APPLICANT, given_name="Anna", family_name="Svensson")
    html = flat(page(client, f"/mina-sidor/ansokan/{decided.pk}/"))
    assert "Anna Svensson, född" in html
    assert "Person född" in html  # the others, whose names the system does not know


# --------------------------------------------------------------------------- plurals


@pytest.mark.parametrize(
    ("days", "swedish", "english"),
    [(1, "1 dag per månad", "1 day per month"), (12, "12 dagar per månad", "12 days per month")],
)
def test_days_a_month_in_the_right_plural(db, days, swedish, english):
    data = {"members": [{"personnummer": CHILD, "role": "child", "days": days}]}
    with translation.override("sv"):
        assert summary(data, months_open()[0])[0]["rows"][0][1].endswith(swedish)
    with translation.override("en"):
        assert summary(data, months_open()[0])[0]["rows"][0][1].endswith(english)


@pytest.mark.parametrize(
    ("unread", "swedish", "english"),
    [
        (1, "Du har 1 oläst meddelande", "You have 1 unread message"),
        (3, "Du har 3 olästa meddelanden", "You have 3 unread messages"),
    ],
)
def test_unread_messages_in_the_right_plural(rf_request, unread, swedish, english):
    context = {"unread": unread, "applications": [], "drafts": [], "to_sign": []}
    with translation.override("sv"):
        assert swedish in render_to_string("eservice/minasidor/home.html", context, rf_request)
    with translation.override("en"):
        assert english in render_to_string("eservice/minasidor/home.html", context, rf_request)


@pytest.mark.parametrize(
    ("persons", "text"),
    [(1, "1 person folkbokförd på samma adress"), (3, "3 personer folkbokförda på samma adress")],
)
def test_the_caseworkers_register_summary_in_the_right_plural(persons, text):
    assert _facts({"kind": "population_register", "persons": [{}] * persons}, {}) == text


@pytest.fixture
def rf_request(db):
    request = RequestFactory().get("/mina-sidor/")
    request.resolver_match = None
    return request


# --------------------------------------------------------------------------- one error each


def test_a_negative_rent_gets_one_message(client, solo):  # noqa: F811
    response = client.post(f"/mina-sidor/ansok/{solo.pk}/boende/", {"type": "rent", "rent": "-5"})
    html = response.content.decode()
    assert html.count("Beloppet kan inte vara mindre än noll.") == 2  # at the top, at the field
    assert "Skriv vad du betalar för bostaden" not in html
    form = forms.HousingForm({"type": "rent", "rent": "-5"})
    assert not form.is_valid()
    assert form.errors == {"rent": ["Beloppet kan inte vara mindre än noll."]}
    # A missing rent is still asked for.
    assert forms.HousingForm({"type": "rent"}).errors == {
        "rent": ["Skriv vad du betalar för bostaden per månad."]
    }


# --------------------------------------------------------------------------- the decision page


def test_the_decision_page_fits_a_phone_and_leads_back(client, eid_login, decided):  # noqa: F811
    eid_login(client, APPLICANT)
    html = page(client, f"/mina-sidor/ansokan/{decided.pk}/beslut/")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "@media screen and (max-width: 40em)" in html
    back = re.search(r'<nav class="letter-nav"[^>]*>(.*?)</nav>', html)
    assert back is not None
    assert f'href="/mina-sidor/ansokan/{decided.pk}/"' in back[1]
    assert "Tillbaka till ansökan för april 2025" in back[1]
    assert 'href="/mina-sidor/"' in back[1]
    assert html.count('class="letter-nav') == 2  # at the top and after the letter
    # The letter itself, and so its PDF, is as it was made: nothing of the page is in it.
    client.get(f"/mina-sidor/ansokan/{decided.pk}/beslut.pdf")
    archived = existing_letter(decided.decision).html
    assert "viewport" not in archived and "letter-nav" not in archived
    assert archived.split("<body>")[1].split("</body>")[0] in html


# --------------------------------------------------------------------------- logging out


def test_logging_out_says_first_what_happens_and_after_what_happened(client, eid_login, eid, db):
    eid_login(client, SOLO)
    before = page(client, "/mina-sidor/logga-ut/")
    assert "Du loggas ut från Mina sidor och även från e-legitimationen" in before
    assert 'href="/mina-sidor/"' in before  # a way back without logging out
    assert "eid" in client.session  # looking at the page logs nobody out

    response = client.post("/mina-sidor/logga-ut/")
    assert response["Location"].startswith(f"{eid}/oauth2/end_session?")
    after = page(client, "/mina-sidor/utloggad/")
    assert "Du är utloggad från Mina sidor och från e-legitimationen." in after
    # Logged out already: the page before is the page after.
    assert client.get("/mina-sidor/logga-ut/")["Location"] == "/mina-sidor/utloggad/"


def test_the_header_leads_to_the_logout_page(client, eid_login, municipality):  # noqa: F811
    eid_login(client, SOLO)
    assert '<a href="/mina-sidor/logga-ut/">Logga ut</a>' in page(client, "/mina-sidor/")


# --------------------------------------------------------------------------- months, ways back


def test_the_apply_page_explains_the_choice_of_month(client, eid_login, municipality):  # noqa: F811
    eid_login(client, SOLO)
    html = page(client, "/mina-sidor/ansok/")
    this, following = months_open()
    assert f"{month_name(this)} (den här månaden)" in html
    assert f"{month_name(following)} (nästa månad)" in html
    assert "Du kan ansöka för den här månaden eller för nästa månad." in html
    assert "hyran och andra räkningar ofta ska betalas i slutet av månaden före" in html
    assert 'aria-describedby="month-hint"' in html


def test_every_step_of_the_application_leads_back_to_mina_sidor(client, solo):  # noqa: F811
    for path in (
        f"/mina-sidor/ansok/{solo.pk}/hushall/",
        f"/mina-sidor/ansok/{solo.pk}/bilagor/",
        f"/mina-sidor/ansok/{solo.pk}/granska/",
        "/mina-sidor/ansok/",
        "/mina-sidor/logga-ut/",
    ):
        html = page(client, path)
        crumbs = re.search(r'<nav class="govuk-breadcrumbs"[^>]*>(.*?)</nav>', html)
        assert crumbs is not None, path
        assert 'href="/mina-sidor/">Mina sidor</a>' in crumbs[1], path
    draft = Draft.objects.get(pk=solo.pk)
    assert f"Ansökan för {month_name(draft.month)}" in page(
        client, f"/mina-sidor/ansok/{solo.pk}/boende/"
    )
