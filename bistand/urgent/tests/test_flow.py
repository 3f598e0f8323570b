"""The urgent path end to end: request → proposal from the registers → decision with its
letter → one urgent payment with its own pain.001; and the attacks on it."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor
from bistand.urgent import services
from bistand.urgent.models import (
    Channel,
    IdentityCheck,
    PaymentStatus,
    Status,
    UrgentPayment,
    UrgentRequest,
)

from .conftest import APPLICANT, STRANGER

MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
MONTH = "2026-12"


@pytest.fixture
def now():
    with time_machine.travel(MONDAY, tick=True):
        yield


@pytest.fixture
def case(world, now):
    return world.household(world.north)


def request_for(case, **changes):
    values = {
        "reason": "electricity",
        "description": "Elen stängs av i morgon.",
        "days": 3,
        "channel": Channel.MINASIDOR,
    }
    values.update(changes)
    person = case.household.members.get(role="applicant").person
    return services.create_request(case, person, actor=Actor.applicant(person), **values)


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def test_request_gets_the_same_day_clock_and_is_audited(case):
    urgent = request_for(case)
    assert urgent.due_at == MONDAY.replace(hour=17)
    assert urgent.status == Status.RECEIVED
    event = AuditEvent.objects.get(action="urgent.requested", case_id=case.pk)
    assert APPLICANT not in str(event.data)


def test_a_second_open_request_is_refused(case):
    request_for(case)
    with pytest.raises(services.UrgentError, match="redan"):
        request_for(case)
    assert UrgentRequest.objects.filter(case=case).count() == 1


def test_proposal_flags_register_income_and_says_what_could_not_be_checked(
    case, register_simulator
):
    register_simulator.put_person(
        APPLICANT,
        MONTH,
        records={
            "FK": [
                {
                    "kind": "payment",
                    "income_type": "housing_allowance",
                    "amount": "1500.00",
                    "paid_on": f"{MONTH}-05",
                }
            ]
        },
    )
    register_simulator.add_fault(APPLICANT, "error_500", source="AF", times=20)
    urgent = request_for(case)
    proposal = services.make_proposal(urgent.pk)
    codes = [flag["code"] for flag in proposal.flags]
    assert "INCOME_IN_REGISTER" in codes
    income = next(f for f in proposal.flags if f["code"] == "INCOME_IN_REGISTER")
    assert (
        "Bostadsbidrag 1\xa0500\xa0kr den" in income["message"]
    )  # not "housing_allowance 1500.00"
    assert "REGISTER_UNKNOWN" in codes
    unknown = next(f for f in proposal.flags if f["code"] == "REGISTER_UNKNOWN")
    assert "Kunde inte kontrolleras" in unknown["message"]
    assert not proposal.checked
    assert proposal.amount_ore > 0
    assert proposal.trace["lines"][-1]["rule"] == "urgent_rounding"
    urgent.refresh_from_db()
    assert urgent.status == Status.PROPOSED
    # idempotent: the task run twice keeps the first proposal
    assert services.make_proposal(urgent.pk).pk == proposal.pk


def test_a_gateway_that_is_down_never_reads_as_nothing(case, settings):
    settings.REGISTER_GATEWAY = "simulator"
    settings.REGISTER_SIMULATOR_URL = "http://127.0.0.1:9/"  # nothing listens there
    settings.REGISTER_BACKOFF_SECONDS = (0.01, 0.01)
    urgent = request_for(case)
    proposal = services.make_proposal(urgent.pk)
    assert not proposal.checked
    assert proposal.registers and all(e["status"] == "unknown" for e in proposal.registers)
    assert any(f["code"] == "REGISTER_UNKNOWN" for f in proposal.flags)


def test_decision_letter_and_one_urgent_payment(case, world, client, register_simulator):
    urgent = request_for(case)
    services.make_proposal(urgent.pk)
    anna = world.users["anna"]
    client.force_login(anna)
    url = reverse("urgent:decide", args=[urgent.pk])
    body = {"outcome": "grant", "amount": "650", "motivering": "Elen stängs av i morgon."}
    response = client.post(url, body)
    assert response.status_code == 302
    again = client.post(url, body)  # a double click
    assert again.status_code == 400
    assert "redan beslutad" in again.content.decode()
    urgent.refresh_from_db()
    assert urgent.status == Status.GRANTED
    assert UrgentPayment.objects.filter(decision__request=urgent).count() == 1
    payment = urgent.decision.payment
    assert payment.amount_ore == 65000
    with pytest.raises(IntegrityError), transaction.atomic():
        UrgentPayment.objects.create(
            decision=urgent.decision, payee=urgent.applicant, amount_ore=65000
        )

    letter = client.get(reverse("urgent:letter", args=[urgent.pk]))
    text = pdf_text(letter.content)
    assert "Beslut om akut hjälp" in text
    assert "650 kr" in text
    assert "Elen stängs av i morgon." in text  # motivering
    assert "Anna Testsson" in text  # who decided
    assert "förvaltningsrätten" in text and "tre veckor" in text  # how to appeal
    assert "underrättelse" not in text.lower()


def test_the_urgent_payment_file_is_made_once(case, world, client):
    urgent = request_for(case)
    services.make_proposal(urgent.pk)
    services.decide(
        urgent, user=world.users["anna"], outcome="grant", amount_ore=65000, motivering="Mat."
    )
    from bistand.payments.models import PayoutAccount

    PayoutAccount.objects.create(
        person=urgent.applicant, clearing_number="8327", account_number="9123456789"
    )
    payment = UrgentPayment.objects.get(decision__request=urgent)
    client.force_login(world.users["anna"])
    assert client.post(reverse("urgent:export", args=[urgent.pk])).status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPORTED, list(client.get("/").context or [])
    first = bytes(payment.xml)
    assert b"AKUT-" in first and b"650.00" in first
    client.post(reverse("urgent:export", args=[urgent.pk]))  # a second click
    payment.refresh_from_db()
    assert bytes(payment.xml) == first
    assert AuditEvent.objects.filter(action="urgent.payment_exported").count() == 1
    xml = client.get(reverse("urgent:pain001", args=[urgent.pk]))
    assert xml.content == first
    client.post(reverse("urgent:paid", args=[urgent.pk]))
    urgent.refresh_from_db()
    assert urgent.status == Status.PAID


def test_refusal_needs_a_motivering(case, world):
    urgent = request_for(case)
    with pytest.raises(services.UrgentError, match="motivering"):
        services.decide(
            urgent, user=world.users["anna"], outcome="refusal", amount_ore=0, motivering=" "
        )
    decision = services.decide(
        urgent, user=world.users["anna"], outcome="refusal", amount_ore=0, motivering="Har pengar."
    )
    assert not hasattr(decision, "payment") or decision.payment is None


# --------------------------------------------------------------------------- attacks


def test_another_unit_sees_nothing(case, world, client):
    urgent = request_for(case)
    client.force_login(world.users["syd"])
    assert client.get(reverse("urgent:detail", args=[urgent.pk])).status_code == 404
    assert client.post(reverse("urgent:decide", args=[urgent.pk]), {}).status_code == 404
    assert client.get(reverse("urgent:letter", args=[urgent.pk])).status_code == 404
    application = world.application(case)
    assert client.get(reverse("urgent:register", args=[application.pk])).status_code == 404
    assert case.reference not in client.get(reverse("urgent:queue")).content.decode()


def test_a_read_only_role_cannot_decide_or_register(case, world, client):
    urgent = request_for(case)
    client.force_login(world.users["auditor"])
    assert client.get(reverse("urgent:detail", args=[urgent.pk])).status_code == 200
    body = {"outcome": "grant", "amount": "650", "motivering": "x"}
    assert client.post(reverse("urgent:decide", args=[urgent.pk]), body).status_code == 403
    application = world.application(case)
    assert client.get(reverse("urgent:register", args=[application.pk])).status_code == 403
    urgent.refresh_from_db()
    assert urgent.status == Status.RECEIVED


def test_reception_registers_with_an_identity_check_and_never_a_typed_personnummer(
    case, world, client
):
    application = world.application(case)
    client.force_login(world.users["anna"])
    url = reverse("urgent:register", args=[application.pk])
    page = client.get(url).content.decode()
    assert "personnummer" not in page.lower() or "Skriv inte personnumret" in page
    stranger = world.household(world.south, applicant=STRANGER, names=("Sven", "Svensson"))
    outsider = stranger.household.members.get(role="applicant").person
    body = {
        "person": outsider.pk,  # someone else's case: not offered, refused
        "identity_check": IdentityCheck.ID_DOCUMENT,
        "reason": "no_food",
        "description": "Ingen mat.",
        "days": "2",
    }
    assert client.post(url, body).status_code == 400
    assert not UrgentRequest.objects.exists()
    body["person"] = case.household.members.get(role="applicant").person.pk
    del body["identity_check"]
    response = client.post(url, body)
    assert response.status_code == 400
    assert "identiteten" in response.content.decode()
    body["identity_check"] = IdentityCheck.ID_DOCUMENT
    response = client.post(url, body)
    assert response.status_code == 302
    urgent = UrgentRequest.objects.get()
    assert urgent.channel == Channel.RECEPTION and urgent.registered_by == world.users["anna"]


def test_bad_input_gives_swedish_messages_and_keeps_what_was_written(case, world, client):
    urgent = request_for(case)
    client.force_login(world.users["anna"])
    body = {"outcome": "grant", "amount": "sexhundra", "motivering": "Elen."}
    response = client.post(reverse("urgent:decide", args=[urgent.pk]), body)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ange beloppet i kronor" in page and "sexhundra" in page and "Elen." in page
    # the request's page shown again is an opening of the case: access-logged
    assert AuditEvent.objects.filter(action="case.opened", data__view="urgent:decide").exists()


def test_queue_and_case_panel_and_staff_link(case, world, client):
    urgent = request_for(case)
    client.force_login(world.users["anna"])
    queue = client.get(reverse("urgent:queue")).content.decode()
    assert case.reference in queue and "kvar" in queue
    page = client.get(reverse("workspace:application", args=[world.application(case).pk]))
    assert reverse("urgent:detail", args=[urgent.pk]) in page.content.decode()
    assert reverse("urgent:queue") in client.get(reverse("workspace:queues")).content.decode()


def test_the_applicant_is_told_without_any_detail(case, world):
    from bistand.notifications.models import Notice
    from bistand.notifications.services import save_preference

    urgent = request_for(case)
    save_preference(urgent.applicant, email="anna@example.se", mobile="")
    services.decide(
        urgent, user=world.users["anna"], outcome="refusal", amount_ore=0, motivering="Nej."
    )
    notice = Notice.objects.get(person=urgent.applicant)
    assert notice.kind == "urgent_decided" and notice.case_id == case.pk
