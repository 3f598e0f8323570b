"""Delivery and appeals of an urgent decision (nödbistånd): the applicant appeals on Mina sidor,
the caseworker registers a paper appeal, rättidsprövning, avvisning, forwarding with the urgent
letter, the court's outcome; and the attacks (another person's decision, another unit, a
read-only role)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bistand.appeals import services
from bistand.appeals.models import Appeal, AppealStatus, Channel, Delivery, Timeliness
from bistand.audit.models import AuditEvent
from bistand.urgent import services as urgent_services
from bistand.urgent.models import Channel as UrgentChannel
from bistand.urgent.tests.conftest import (  # noqa: F401  (fixtures used by name)
    APPLICANT,
    PARTNER,
    STRANGER,
    world,
)


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


@pytest.fixture
def urgent(world):  # noqa: F811
    case = world.household(world.north, partner=PARTNER)
    person = case.household.members.get(role="applicant").person
    request = urgent_services.create_request(
        case,
        person,
        reason="no_food",
        description="Ingen mat",
        days=2,
        channel=UrgentChannel.MINASIDOR,
        actor="system:test",
    )
    urgent_services.decide(
        request, user=world.users["anna"], outcome="refusal", amount_ore=0, motivering="Nej."
    )
    request.refresh_from_db()
    return request


def test_the_applicant_reads_the_letter_and_appeals_on_mina_sidor(urgent, client, eid_login):
    eid_login(client, APPLICANT)
    home = client.get(reverse("eservice:home")).content.decode()
    assert "Överklaga beslut om akut hjälp" in home
    url = reverse("appeals:minasidor-urgent", args=[urgent.pk])
    assert url in home
    # Reading the letter is the delivery: once, the first time.
    assert client.get(reverse("urgent:applicant-letter", args=[urgent.pk])).status_code == 200
    client.get(reverse("urgent:applicant-letter", args=[urgent.pk]))
    delivery = Delivery.objects.get(urgent_decision=urgent.decision)
    assert (delivery.channel, delivery.delivered_on) == (Channel.MINASIDOR, timezone.localdate())
    assert services.delivery_of(urgent.decision).period_end is not None

    page = client.get(url).content.decode()
    assert "Sista dagen att överklaga" in page
    empty = client.post(url, {"text": "  "})
    assert empty.status_code == 400 and "Det finns fel" in empty.content.decode()
    assert client.post(url, {"text": "Jag hade ingen mat."}).status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.urgent_decision == urgent.decision and appeal.decision is None
    assert appeal.appellant.personnummer == APPLICANT
    event = AuditEvent.objects.get(action="appeals.received")
    assert event.case_id == urgent.case_id and APPLICANT not in str(event.data)
    assert "Nämnden ska pröva" in client.get(url).content.decode()


def test_another_applicant_cannot_appeal_or_see_it(urgent, world, client, eid_login):  # noqa: F811
    world.household(world.south, applicant=STRANGER, names=("Sven", "Svensson"))
    eid_login(client, STRANGER)
    url = reverse("appeals:minasidor-urgent", args=[urgent.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Jag överklagar."}).status_code == 404
    assert (
        "Överklaga beslut om akut hjälp"
        not in client.get(reverse("eservice:home")).content.decode()
    )
    assert not Appeal.objects.exists()


def test_an_open_request_has_nothing_to_appeal(world, client, eid_login):  # noqa: F811
    case = world.household(world.north)
    person = case.household.members.get(role="applicant").person
    request = urgent_services.create_request(
        case,
        person,
        reason="rent",
        description="Hyran",
        days=1,
        channel=UrgentChannel.MINASIDOR,
        actor="system:test",
    )
    eid_login(client, APPLICANT)
    assert client.get(reverse("appeals:minasidor-urgent", args=[request.pk])).status_code == 404


def test_paper_appeal_examined_and_forwarded_with_the_urgent_letter(urgent, world, client):  # noqa: F811
    anna = world.users["anna"]
    client.force_login(anna)
    page = client.get(reverse("appeals:urgent", args=[urgent.pk]))
    assert page.status_code == 200 and "Okänd." in page.content.decode()
    detail = client.get(reverse("urgent:detail", args=[urgent.pk])).content.decode()
    assert reverse("appeals:urgent", args=[urgent.pk]) in detail

    today = timezone.localdate()
    response = client.post(
        reverse("appeals:urgent-register", args=[urgent.pk]),
        {"arrived_on": today.isoformat(), "text": "Jag överklagar beslutet om akut hjälp."},
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(urgent_decision=urgent.decision)
    client.post(reverse("appeals:urgent-examine", args=[urgent.pk, appeal.pk]))
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.EXAMINED and appeal.timeliness == Timeliness.UNKNOWN
    # The appeals queue lists it, linked to its page.
    queue = client.get(reverse("appeals:queue")).content.decode()
    assert reverse("appeals:urgent", args=[urgent.pk]) in queue and "akut hjälp" in queue
    # No omprövning here: a new urgent decision changes it.
    with pytest.raises(services.AppealError, match="nytt beslut om akut hjälp"):
        services.reconsider(appeal, user=anna, new_amount_ore=10000, reasons="Ja.")

    client.post(
        reverse("appeals:urgent-forward", args=[urgent.pk, appeal.pk]), {"statement": "Yttrande."}
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED
    bundle = client.get(reverse("appeals:urgent-bundle", args=[urgent.pk, appeal.pk]))
    assert bundle.status_code == 200
    text = pdf_text(bundle.content)
    assert "akut hjälp (nödbistånd)" in text  # the cover's header
    assert "Nej." in text  # the urgent letter's motivering
    assert "Jag överklagar beslutet om akut hjälp." in text
    assert "Inget material finns registrerat som kommunicerat" in text

    client.post(
        reverse("appeals:urgent-court", args=[urgent.pk, appeal.pk]),
        {"outcome": "upheld", "decided_on": today.isoformat(), "case_number": "1234-26"},
    )
    appeal.refresh_from_db()
    assert appeal.court_outcome == "upheld"


def test_a_late_appeal_is_dismissed_by_a_decision_with_a_letter(urgent, world, client):  # noqa: F811
    anna = world.users["anna"]
    decided = timezone.localdate(urgent.decision.decided_at)
    # Sent by post, with a receipt: delivered the day it was decided.
    services.record_post(
        urgent.decision, user=anna, sent_on=decided, delivered_on=decided, evidence="kvitto"
    )
    late = services.delivery_of(urgent.decision).period_end + timedelta(days=1)
    appeal = Appeal.objects.create(
        urgent_decision=urgent.decision,
        channel="paper",
        text="För sent.",
        arrived_on=late,
        registered_by=anna,
    )
    appeal = services.examine(appeal, user=anna)
    assert appeal.timeliness == Timeliness.LATE
    client.force_login(anna)
    client.post(
        reverse("appeals:urgent-dismiss", args=[urgent.pk, appeal.pk]),
        {"reasons": "Kom in för sent."},
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.DISMISSED
    letter = client.get(reverse("appeals:urgent-dismissal-letter", args=[urgent.pk, appeal.pk]))
    assert "avvisar överklagandet" in pdf_text(letter.content)


def test_another_unit_404_and_read_only_403(urgent, world, client):  # noqa: F811
    appeal = services.register_paper_urgent_appeal(
        urgent.decision, user=world.users["anna"], text="Överklagar.", arrived_on=date.today()
    )
    today = timezone.localdate().isoformat()
    posts = [
        (reverse("appeals:urgent-register", args=[urgent.pk]), {"arrived_on": today, "text": "x"}),
        (reverse("appeals:urgent-post", args=[urgent.pk]), {"sent_on": today}),
        (reverse("appeals:urgent-examine", args=[urgent.pk, appeal.pk]), {}),
        (reverse("appeals:urgent-forward", args=[urgent.pk, appeal.pk]), {}),
    ]
    client.force_login(world.users["syd"])  # another unit: does not exist for them
    assert client.get(reverse("appeals:urgent", args=[urgent.pk])).status_code == 404
    assert (
        client.get(reverse("appeals:urgent-bundle", args=[urgent.pk, appeal.pk])).status_code == 404
    )
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    queue = client.get(reverse("appeals:queue")).content.decode()
    assert reverse("appeals:urgent", args=[urgent.pk]) not in queue
    client.force_login(world.users["auditor"])  # reads, never acts
    assert client.get(reverse("appeals:urgent", args=[urgent.pk])).status_code == 200
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RECEIVED
    assert Appeal.objects.count() == 1 and not Delivery.objects.exists()


def test_an_appeal_is_of_one_decision_never_both_nor_none(urgent, world):  # noqa: F811
    from bistand.decisions.models import Decision

    other = Decision.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(
            channel="paper", text="x", arrived_on=date.today(), registered_by=world.users["anna"]
        )
    if other is not None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Appeal.objects.create(
                decision=other,
                urgent_decision=urgent.decision,
                channel="paper",
                text="x",
                arrived_on=date.today(),
                registered_by=world.users["anna"],
            )


def test_the_api_shows_and_steps_an_urgent_appeal_with_the_pages_rules(urgent, world, client):  # noqa: F811
    appeal = services.register_paper_urgent_appeal(
        urgent.decision, user=world.users["anna"], text="Överklagar.", arrived_on=date.today()
    )
    client.force_login(world.users["anna"])
    listed = client.get(reverse("api:appeals-list")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    row = next(r for r in rows if r["id"] == appeal.pk)
    assert (row["application"], row["urgent_request"]) == (None, urgent.pk)
    assert client.get(reverse("api:appeals-detail", args=[appeal.pk])).status_code == 200
    response = client.post(reverse("api:appeals-examine", args=[appeal.pk]))
    assert response.status_code == 200 and response.json()["timeliness"] == "unknown"
    refused = client.post(
        reverse("api:appeals-reconsider", args=[appeal.pk]),
        {"new_amount_ore": 10000, "reasons": "Ja."},
        content_type="application/json",
    )
    assert refused.status_code == 409 and "akut hjälp" in refused.content.decode()
    client.force_login(world.users["syd"])
    assert client.get(reverse("api:appeals-detail", args=[appeal.pk])).status_code == 404
    assert client.post(reverse("api:appeals-forward", args=[appeal.pk])).status_code == 404
    client.force_login(world.users["auditor"])
    assert client.post(reverse("api:appeals-forward", args=[appeal.pk])).status_code == 403
