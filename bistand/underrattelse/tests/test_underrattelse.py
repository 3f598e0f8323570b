"""Underrättelse (lag 2008:206): recorded on the case, audited, listed for the unit, exported as
PDF, in the API with the same permissions, and never shown to the household."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from bistand.audit.models import AuditEvent
from bistand.underrattelse.models import Underrattelse

from .conftest import APPLICANT, PARTNER, STRANGER

GROUND = "Hushållet uppger att sonen flyttat men bostadsbidraget räknar med honom. HEMLIGGRUND"


@pytest.fixture
def case(world):
    return world.household(world.north, partner=PARTNER)


def body_for(case, **changes):
    person = case.household.members.get(role="applicant").person
    body = {
        "person": person.pk,
        "authority": "fk",
        "authority_detail": "",
        "benefit": "Bostadsbidrag",
        "ground": GROUND,
    }
    body.update(changes)
    return body


def test_record_list_and_export(case, world, client):
    application = world.application(case)
    client.force_login(world.users["anna"])
    url = reverse("underrattelse:create", args=[application.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, body_for(case, ground=""))
    assert bad.status_code == 400 and "Skriv grunden" in bad.content.decode()
    assert client.post(url, body_for(case)).status_code == 302
    notice = Underrattelse.objects.get()
    assert notice.created_by == world.users["anna"] and notice.ground == GROUND
    event = AuditEvent.objects.get(action="underrattelse.recorded")
    assert event.case_id == case.pk and APPLICANT not in str(event.data)

    case_page = client.get(reverse("workspace:application", args=[application.pk])).content
    assert "Bostadsbidrag" in case_page.decode()
    listing = client.get(reverse("underrattelse:list")).content.decode()
    assert case.reference in listing and "Försäkringskassan" in listing
    assert reverse("underrattelse:list") in client.get(reverse("workspace:queues")).content.decode()

    pdf = client.get(reverse("underrattelse:pdf", args=[notice.pk]))
    assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.replace("\xa0", " ").split())
    assert "Försäkringskassan" in text and "HEMLIGGRUND" in text and "2008:206" in text
    assert AuditEvent.objects.filter(action="underrattelse.exported").count() == 1


def test_another_unit_and_a_read_only_role(case, world, client):
    application = world.application(case)
    client.force_login(world.users["anna"])
    client.post(reverse("underrattelse:create", args=[application.pk]), body_for(case))
    notice = Underrattelse.objects.get()
    client.force_login(world.users["syd"])
    assert client.get(reverse("underrattelse:create", args=[application.pk])).status_code == 404
    assert client.get(reverse("underrattelse:pdf", args=[notice.pk])).status_code == 404
    assert "HEMLIGGRUND" not in client.get(reverse("underrattelse:list")).content.decode()
    client.force_login(world.users["auditor"])
    assert (
        client.post(
            reverse("underrattelse:create", args=[application.pk]), body_for(case)
        ).status_code
        == 403
    )
    assert Underrattelse.objects.count() == 1


def test_only_a_member_of_the_household(case, world, client):
    other = world.household(world.north, applicant=STRANGER, names=("Sven", "Svensson"))
    outsider = other.household.members.get(role="applicant").person
    client.force_login(world.users["anna"])
    url = reverse("underrattelse:create", args=[world.application(case).pk])
    assert client.post(url, body_for(case, person=outsider.pk)).status_code == 400
    assert not Underrattelse.objects.exists()


def test_api_same_permissions(case, world):
    api = APIClient()
    application = world.application(case)
    person = case.household.members.get(role="applicant").person
    body = {
        "application": application.pk,
        "person": person.pk,
        "authority": "csn",
        "benefit": "Studiemedel",
        "ground": GROUND,
    }
    api.force_authenticate(world.users["auditor"])
    assert api.post("/api/v1/underrattelser/", body, format="json").status_code == 403
    api.force_authenticate(world.users["syd"])
    assert api.post("/api/v1/underrattelser/", body, format="json").status_code == 404
    api.force_authenticate(world.users["anna"])
    created = api.post("/api/v1/underrattelser/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api.get(f"/api/v1/underrattelser/{pk}/").json()["benefit"] == "Studiemedel"
    api.force_authenticate(world.users["syd"])
    assert api.get(f"/api/v1/underrattelser/{pk}/").status_code == 404
    assert api.get("/api/v1/underrattelser/").json()["results"] == []


def test_never_shown_to_the_household(case, world, client, eid_login):
    """Mina sidor, the applicant's application page, the month's decision letter (HTML and
    PDF) and an urgent decision letter say nothing. (The REST API is staff-only: an applicant
    has no role, so StaffWithRole refuses every /api/v1/ call, tested below.)"""
    application = world.application(case)
    client.force_login(world.users["anna"])
    client.post(reverse("underrattelse:create", args=[application.pk]), body_for(case))
    assert Underrattelse.objects.exists()
    client.logout()
    for who in (APPLICANT, PARTNER):
        client.cookies.clear()
        eid_login(client, who)
        pages = [
            client.get(reverse("eservice:home")),
            client.get(reverse("eservice:application", args=[application.pk])),
            client.get(reverse("eservice:decision", args=[application.pk])),  # the letter
        ]
        letter = client.get(reverse("eservice:decision-pdf", args=[application.pk]))
        assert letter.status_code == 200
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.content)).pages)
        assert "HEMLIGGRUND" not in text and "nderrättelse" not in text
        for page in pages:
            assert page.status_code == 200
            text = page.content.decode()
            assert "HEMLIGGRUND" not in text
            assert "nderrättelse" not in text and "Bostadsbidrag" not in text
        assert client.get("/api/v1/underrattelser/").status_code == 403
    # the applicant's only ways to the case: none of their URLs is an underrättelse
    from django.urls import get_resolver

    applicant_routes = [
        str(p.pattern) for p in get_resolver().url_patterns if "mina-sidor" in str(p.pattern)
    ]
    assert not any("underrattelse" in route for route in applicant_routes)
    # a decision letter of the urgent path does not mention it
    from bistand.urgent import services
    from bistand.urgent.models import Channel

    person = case.household.members.get(role="applicant").person
    urgent = services.create_request(
        case,
        person,
        reason="no_food",
        description="Mat",
        days=1,
        channel=Channel.MINASIDOR,
        actor="system:test",
    )
    decision = services.decide(
        urgent, user=world.users["anna"], outcome="refusal", amount_ore=0, motivering="Nej."
    )
    assert "nderrättelse" not in decision.letter_html and "HEMLIGGRUND" not in decision.letter_html


def test_the_api_list_carries_no_ground_or_person_and_the_detail_is_logged(case, world):
    """Lists carry ids, references and kinds (docs/api.md); the ground and the person only in
    the detail, whose reading is access-logged (security review 2026-12-06)."""
    from bistand.audit.models import AuditEvent

    api = APIClient()
    application = world.application(case)
    person = case.household.members.get(role="applicant").person
    body = {
        "application": application.pk,
        "person": person.pk,
        "authority": "csn",
        "benefit": "Studiemedel",
        "ground": GROUND,
    }
    api.force_authenticate(world.users["anna"])
    pk = api.post("/api/v1/underrattelser/", body, format="json").json()["id"]
    before = AuditEvent.objects.filter(action="case.opened").count()
    row = api.get("/api/v1/underrattelser/").json()["results"][0]
    assert row["id"] == pk and row["benefit"] == "Studiemedel"
    assert "ground" not in row and "person" not in row
    assert AuditEvent.objects.filter(action="case.opened").count() == before
    assert api.get(f"/api/v1/underrattelser/{pk}/").json()["ground"] == GROUND
    assert AuditEvent.objects.filter(action="case.opened").count() == before + 1


def test_a_notice_concerns_only_someone_in_the_household_that_month(case, world):
    from datetime import date

    from bistand.cases.models import HouseholdMember, MembershipBasis
    from bistand.cases.services import get_or_create_person
    from bistand.underrattelse import services

    application = world.application(case)
    gone = HouseholdMember.objects.create(
        household=case.household,
        person=get_or_create_person("198703039985"),
        role="partner",
        valid_from=date(2020, 1, 1),
        valid_to=date(2020, 12, 31),
        basis=MembershipBasis.SIGNED,
    )
    assert gone.pk not in {m.pk for m in services.members(application)}
