"""The exchange in the caseworker's pages and the API: the case panel, the failed sends page,
and the attacks: another unit's case, a read-only role, no role, an applicant, an
administrator's view of notices for persons we do not know."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from bistand.af_exchange.models import AfNotice, OutgoingAfNotice, OutgoingStatus
from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor
from bistand.cases import seeding
from bistand.cases.models import Application, Unit
from bistand.cases.services import Member, get_or_create_person, open_case
from bistand.eservice.session import KEY
from bistand.rules.period import Month
from bistand.staff.models import Role
from bistand.staff.testing import make_staff
from bistand.workspace.tests.conftest import declared

from .conftest import KOMMUNKOD, STRANGER

TEST = Actor.system("test")
NORTH_APPLICANT = "198502019980"
SOUTH_APPLICANT = "196001019980"


def household(unit, personnummer, name) -> Application:
    person = get_or_create_person(personnummer, given_name=name, family_name="Test")
    case = open_case(
        unit.municipality,
        [Member(person, "applicant")],
        actor=TEST,
        unit=unit,
        since=date(2026, 7, 1),
    )
    data = copy.deepcopy(declared(personnummer, None, None))
    seeding.import_history(case, Month(2026, 9), data, guidelines="exempelkommun")
    return Application.objects.filter(case=case).latest("pk")


@pytest.fixture
def world(db):
    municipality = seeding.get_municipality()
    municipality.kommunkod = KOMMUNKOD
    municipality.save()
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    south = Unit.objects.get(municipality=municipality, name="Enhet Syd")
    north_app = household(north, NORTH_APPLICANT, "Nora")
    south_app = household(south, SOUTH_APPLICANT, "Sune")
    nora = north_app.case.household.members.get().person
    sune = south_app.case.household.members.get().person
    sent = OutgoingAfNotice.objects.create(
        person=nora,
        month="2026-10",
        status=OutgoingStatus.SENT,
        attempts=1,
        reference="AF-K-000001",
    )
    failed = OutgoingAfNotice.objects.create(
        person=nora,
        month="2026-11",
        status=OutgoingStatus.FAILED,
        attempts=4,
        last_error="Arbetsförmedlingen svarade med fel (HTTP 500) efter 3 försök",
    )
    south_failed = OutgoingAfNotice.objects.create(
        person=sune,
        month="2026-11",
        status=OutgoingStatus.FAILED,
        attempts=4,
        last_error="Arbetsförmedlingen svarade inte inom 2 s efter 3 försök",
    )
    AfNotice.objects.create(
        person=nora,
        reference="AF-U-000001",
        kind="too_little_occupation",
        period_start=date(2026, 10, 5),
    )
    AfNotice.objects.create(
        reference="AF-U-000002",
        unmatched_personnummer=STRANGER,
        kind="programme_participation",
        full_time=True,
        period_start=date(2026, 10, 1),
    )
    return {
        "north_app": north_app,
        "south_app": south_app,
        "nora": nora,
        "sent": sent,
        "failed": failed,
        "south_failed": south_failed,
        "anna": make_staff("anna", Role.CASEWORKER, [north], first_name="Anna"),
        "syd": make_staff("syd", Role.CASEWORKER, [south]),
        "auditor": make_staff("auditor", Role.AUDITOR),
        "admin": make_staff("admin", Role.ADMINISTRATOR),
        "norole": make_staff("norole", None, [north]),
    }


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_case_view_shows_what_was_sent_and_received(client, world):
    response = page(client, world["anna"], f"/handlaggning/ansokan/{world['north_app'].pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Arbetsförmedlingen (aktivitetskrav)" in text
    assert "Underrättelser till Arbetsförmedlingen" in text and "AF-K-000001" in text
    assert "Misslyckades" in text and "HTTP 500" in text
    assert "För låg sysselsättning" in text and "AF-U-000001" in text
    assert "AF-U-000002" not in text  # nobody's notice is on nobody's case
    assert NORTH_APPLICANT not in text and NORTH_APPLICANT[2:] not in text


def test_the_failed_sends_page_shows_only_the_units_own(client, world):
    response = page(client, world["anna"], "/handlaggning/arbetsformedlingen/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Nora" in text and "HTTP 500" in text and "Skicka igen" in text
    assert "Sune" not in text and "inom 2 s" not in text
    assert "kommunen inte känner" not in text  # administrators only


def test_the_queue_page_links_to_it_with_the_count(client, world):
    response = page(client, world["anna"], "/handlaggning/")
    assert "Arbetsförmedlingen (1 misslyckade)" in response.content.decode()


def test_a_caseworker_sends_again_and_it_is_audited(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["anna"])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/handlaggning/arbetsformedlingen/{world['failed'].pk}/skicka-igen/"
        )
    assert response.status_code == 302
    world["failed"].refresh_from_db()
    assert world["failed"].status == "queued" and world["failed"].attempts == 0
    event = AuditEvent.objects.get(action="af_exchange.resend")
    assert event.actor.startswith(f"user:{world['anna'].pk}")


def test_another_units_notice_is_not_found(client, world):
    client.force_login(world["syd"])
    response = client.post(f"/handlaggning/arbetsformedlingen/{world['failed'].pk}/skicka-igen/")
    assert response.status_code == 404
    world["failed"].refresh_from_db()
    assert world["failed"].status == "failed"


def test_a_read_only_role_sees_but_cannot_send_again(client, world):
    response = page(client, world["auditor"], "/handlaggning/arbetsformedlingen/")
    text = response.content.decode()
    assert "Nora" in text and "Sune" in text and "Skicka igen" not in text
    response = client.post(f"/handlaggning/arbetsformedlingen/{world['failed'].pk}/skicka-igen/")
    assert response.status_code == 403
    world["failed"].refresh_from_db()
    assert world["failed"].status == "failed"


def test_administrators_see_notices_for_unknown_persons_masked(client, world):
    response = page(client, world["admin"], "/handlaggning/arbetsformedlingen/")
    text = response.content.decode()
    assert "AF-U-000002" in text and "Deltar i arbetsmarknadspolitiskt program" in text
    assert STRANGER not in text and STRANGER[2:] not in text and STRANGER[-4:] not in text


def test_no_role_and_applicants_are_kept_out(client, world):
    assert page(client, world["norole"], "/handlaggning/arbetsformedlingen/").status_code == 403
    client.logout()
    session = client.session
    session[KEY] = {"person": world["nora"].pk, "issuer": "t", "ref": "t", "at": "", "seen": ""}
    session.save()
    response = client.get("/handlaggning/arbetsformedlingen/")
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]
    url = f"/api/v1/cases/{world['north_app'].case_id}/af-exchange/"
    assert client.get(url).status_code == 403
    response = client.post(f"/handlaggning/arbetsformedlingen/{world['failed'].pk}/skicka-igen/")
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


# --- the API ---------------------------------------------------------------------------------


def test_the_api_gives_the_cases_exchange_and_logs_the_access(client, world):
    case = world["north_app"].case
    response = page(client, world["anna"], f"/api/v1/cases/{case.pk}/af-exchange/")
    assert response.status_code == 200
    data = response.json()
    assert [(n["month"], n["status"]) for n in data["outgoing"]] == [
        ("2026-11", "failed"),
        ("2026-10", "sent"),
    ]
    assert data["outgoing"][0]["last_error"].startswith("Arbetsförmedlingen")
    [incoming] = data["incoming"]
    assert (
        incoming["notice_kind"] == "too_little_occupation"
        and incoming["person_name"] == "Nora Test"
    )
    assert "personnummer" not in response.content.decode()
    assert NORTH_APPLICANT[2:] not in response.content.decode()
    assert AuditEvent.objects.filter(
        action="case.opened", case_id=case.pk, actor__startswith=f"user:{world['anna'].pk}"
    ).exists()


def test_the_api_hides_another_units_case_and_refuses_no_role(client, world):
    url = f"/api/v1/cases/{world['north_app'].case_id}/af-exchange/"
    assert page(client, world["syd"], url).status_code == 404
    assert page(client, world["norole"], url).status_code == 403
    assert page(client, world["auditor"], url).status_code == 200
