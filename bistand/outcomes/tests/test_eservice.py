"""The applicant answers försörjningshinder and insats per adult in the e-service's planning
step; on submission they become AdultMonth rows (source "applicant"); a repeat application
starts from last month's answers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bistand.cases.models import Application, State
from bistand.cases.seeding import get_municipality
from bistand.cases.services import Member, get_or_create_person, open_case, submit_application
from bistand.eservice.demo import AF_REGISTERED
from bistand.eservice.models import Draft, Step
from bistand.eservice.services import months_open
from bistand.outcomes.models import AdultMonth

SOLO = "197901302625"


@pytest.fixture
def draft(client, eid_login, register_simulator, db):
    get_municipality()
    month = months_open()[0]
    skv = [{"kind": "protected_identity", "protected": False}]
    register_simulator.put_person(SOLO, month, records={"SKV": skv, "AF": [AF_REGISTERED]})
    eid_login(client, SOLO)
    client.post("/mina-sidor/ansok/", {"month": month})
    return Draft.objects.get()


def answer_everything_but_planning(draft: Draft) -> None:
    draft.data.update(
        {"housing": {"type": "rent", "rooms": 1}, "costs": [{"type": "rent", "amount": "6500.00"}]}
    )
    draft.steps_done = [s for s in Step.values if s != Step.PLANNING]
    draft.save()


def test_the_planning_step_asks_for_the_forsorjningshinder_in_plain_swedish(client, draft):
    page = client.get(f"/mina-sidor/ansok/{draft.pk}/planering/").content.decode()
    assert "Vad är det främsta skälet till att du inte kan försörja dig själv nu?" in page
    assert "Jag är arbetslös och får ingen ersättning" in page
    assert "Deltar du i någon av de här insatserna?" in page
    assert 'for="id_hinder_0_0"' in page  # every radio button has its label
    assert 'id="id_hinder_0-hint"' in page  # the help text, tied to the question


def test_the_answers_are_stored_as_adult_months_on_submission(client, draft):
    answer_everything_but_planning(draft)
    response = client.post(
        f"/mina-sidor/ansok/{draft.pk}/planering/",
        {"af_registered": "yes", "hinder_0": "unemployed_none", "insats_0": "sfi"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    person_answer = draft.data["planning"]["situation"]
    assert person_answer == [{"personnummer": SOLO, "hinder": "unemployed_none", "activity": "sfi"}]
    review = client.get(f"/mina-sidor/ansok/{draft.pk}/granska/").content.decode()
    assert "Arbetslös – ingen ersättning" in review
    client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    application = Application.objects.get()
    row = AdultMonth.objects.get(application=application)
    assert (row.person.personnummer, row.month) == (SOLO, application.month)
    assert (row.hinder, row.activity, row.source) == ("unemployed_none", "sfi", "applicant")


def test_an_unknown_code_is_refused_with_a_message(client, draft):
    page = client.post(
        f"/mina-sidor/ansok/{draft.pk}/planering/",
        {"af_registered": "yes", "hinder_0": "lottery"},
    )
    assert page.status_code == 200
    assert 'href="#id_hinder_0_0"' in page.content.decode()
    draft.refresh_from_db()
    assert "situation" not in draft.data.get("planning", {})


def test_the_question_may_be_skipped_and_the_caseworker_records_it(client, draft):
    answer_everything_but_planning(draft)
    client.post(f"/mina-sidor/ansok/{draft.pk}/planering/", {"af_registered": "yes"})
    client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    row = AdultMonth.objects.get()
    assert (row.hinder, row.activity) == ("", "")


def test_a_repeat_application_starts_from_last_months_answer(
    client, eid_login, register_simulator, db
):
    municipality = get_municipality()
    person = get_or_create_person(SOLO)
    case = open_case(municipality, [Member(person, "applicant")], actor="system:test")
    last_month = f"{(timezone.localdate().replace(day=1) - timedelta(days=1)):%Y-%m}"
    declared = {
        "members": [{"personnummer": SOLO, "role": "applicant"}],
        "housing": {"type": "rent", "rooms": 1},
        "costs": [{"type": "rent", "amount": "6100.00"}],
        "incomes": [],
        "other_needs": [],
        "changes": "",
        "planning": {
            "af_registered": True,
            "situation": [{"personnummer": SOLO, "hinder": "sick_certified", "activity": ""}],
        },
    }
    previous = submit_application(case, last_month, declared, actor="system:test")
    assert AdultMonth.objects.get(application=previous).hinder == "sick_certified"
    Application.objects.filter(pk=previous.pk).update(state=State.PAID)
    eid_login(client, SOLO)
    client.post("/mina-sidor/ansok/", {"month": months_open()[0]})
    draft = Draft.objects.get()
    page = client.get(f"/mina-sidor/ansok/{draft.pk}/planering/").content.decode()
    checked = re.findall(r'<input[^>]*name="hinder_0"[^>]*checked[^>]*>', page)
    assert len(checked) == 1 and 'value="sick_certified"' in checked[0]


def test_every_label_the_applicant_sees_has_an_english_translation():
    from django.utils import translation

    from bistand.outcomes import services

    month = "2026-01"
    untranslated = []
    with translation.override("en"):
        for table in (services.HINDER, services.ACTIVITIES):
            for code, row in services.codes(table, month).items():
                for key in ("label", "applicant_label"):
                    if translation.gettext(row[key]) == row[key]:
                        untranslated.append((table, code, key))
    assert untranslated == []


def test_the_planning_step_in_english(client, draft):
    client.post("/i18n/setlang/", {"language": "en", "next": "/mina-sidor/"})
    page = client.get(f"/mina-sidor/ansok/{draft.pk}/planering/").content.decode()
    assert "What is the main reason you cannot support yourself right now?" in page
    assert "I am unemployed and receive no benefit" in page
    assert "No, none of these" in page


def test_after_a_closing_the_e_service_starts_a_nyansokan(
    client, eid_login, register_simulator, db
):
    from bistand.outcomes import services

    municipality = get_municipality()
    person = get_or_create_person(SOLO)
    last_day = timezone.localdate().replace(day=1) - timedelta(days=1)
    case = open_case(
        municipality,
        [Member(person, "applicant")],
        actor="system:test",
        since=last_day.replace(day=1),
    )
    last_month = f"{last_day:%Y-%m}"
    declared = {
        "members": [{"personnummer": SOLO, "role": "applicant"}],
        "housing": {"type": "rent", "rooms": 1},
        "costs": [{"type": "rent", "amount": "6100.00"}],
        "incomes": [],
        "other_needs": [],
        "changes": "",
    }
    previous = submit_application(case, last_month, declared, actor="system:test")
    Application.objects.filter(pk=previous.pk).update(state=State.PAID)
    services.close_period(
        case, last_month=last_month, reasons={person.pk: "work"}, actor="system:test"
    )
    month = months_open()[0]
    skv = [{"kind": "protected_identity", "protected": False}]
    register_simulator.put_person(SOLO, month, records={"SKV": skv, "AF": [AF_REGISTERED]})
    eid_login(client, SOLO)
    start = client.post("/mina-sidor/ansok/", {"month": month})
    draft = Draft.objects.get()
    assert draft.kind == "first" and draft.case_id == case.pk
    assert "ateransokan" not in start["Location"]


def test_a_repeat_draft_submitted_after_the_closing_becomes_a_nyansokan(
    client, eid_login, register_simulator, db
):
    """The draft was started (återansökan) while the case was open; the case was closed
    before it was signed: what comes in is a nyansökan."""
    from bistand.outcomes import services

    municipality = get_municipality()
    person = get_or_create_person(SOLO)
    last_day = timezone.localdate().replace(day=1) - timedelta(days=1)
    case = open_case(
        municipality,
        [Member(person, "applicant")],
        actor="system:test",
        since=last_day.replace(day=1),
    )
    last_month = f"{last_day:%Y-%m}"
    declared = {
        "members": [{"personnummer": SOLO, "role": "applicant"}],
        "housing": {"type": "rent", "rooms": 1},
        "costs": [{"type": "rent", "amount": "6100.00"}],
        "incomes": [],
        "other_needs": [],
        "changes": "",
    }
    previous = submit_application(case, last_month, declared, actor="system:test")
    Application.objects.filter(pk=previous.pk).update(state=State.PAID)
    month = months_open()[0]
    skv = [{"kind": "protected_identity", "protected": False}]
    register_simulator.put_person(SOLO, month, records={"SKV": skv, "AF": [AF_REGISTERED]})
    eid_login(client, SOLO)
    client.post("/mina-sidor/ansok/", {"month": month})
    draft = Draft.objects.get()
    assert draft.kind == "repeat"
    services.close_period(
        case, last_month=last_month, reasons={person.pk: "work"}, actor="system:test"
    )
    answer_everything_but_planning(draft)
    client.post(f"/mina-sidor/ansok/{draft.pk}/planering/", {"af_registered": "yes"})
    client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    application = Application.objects.get(month=month)
    assert application.kind == "first"
