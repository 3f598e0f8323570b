"""The applicant on Mina sidor: asks for urgent help (without JavaScript), follows it (received,
decided, paid), reads the letter; nobody else's request, and no request without a case."""

from __future__ import annotations

from django.urls import reverse

from bistand.urgent import services
from bistand.urgent.models import Channel, PaymentStatus, Status, UrgentRequest

from .conftest import APPLICANT, PARTNER, STRANGER


def test_the_applicant_asks_and_follows_it(world, client, eid_login):
    case = world.household(world.north, partner=PARTNER)
    eid_login(client, APPLICANT)
    home = client.get(reverse("eservice:home")).content.decode()
    assert "Jag behöver akut hjälp i dag" in home
    form = client.get(reverse("urgent:apply"))
    assert form.status_code == 200
    # bad input: a Swedish error summary, nothing lost
    response = client.post(
        reverse("urgent:apply"), {"reason": "no_food", "description": "Ingen mat", "days": "30"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Det finns fel i formuläret" in page and "Ange högst 7 dagar" in page
    assert "Ingen mat" in page
    response = client.post(
        reverse("urgent:apply"), {"reason": "no_food", "description": "Ingen mat", "days": "2"}
    )
    assert response.status_code == 302
    urgent = UrgentRequest.objects.get(case=case)
    assert urgent.channel == Channel.MINASIDOR and urgent.days == 2
    home = client.get(reverse("eservice:home")).content.decode()
    assert "Inkommen" in home

    services.decide(
        urgent, user=world.users["anna"], outcome="grant", amount_ore=40000, motivering="Mat."
    )
    home = client.get(reverse("eservice:home")).content.decode()
    assert "Beviljad: 400" in home
    letter = client.get(reverse("urgent:applicant-letter", args=[urgent.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    payment = urgent.decision.payment
    payment.status = PaymentStatus.PAID
    payment.save()
    UrgentRequest.objects.filter(pk=urgent.pk).update(status=Status.PAID)
    assert "Utbetald: 400" in client.get(reverse("eservice:home")).content.decode()


def test_another_applicant_cannot_read_the_letter(world, client, eid_login):
    case = world.household(world.north)
    world.household(world.south, applicant=STRANGER, names=("Sven", "Svensson"))
    person = case.household.members.get(role="applicant").person
    urgent = services.create_request(
        case,
        person,
        reason="rent",
        description="Vräkning",
        days=1,
        channel=Channel.MINASIDOR,
        actor="system:test",
    )
    services.decide(
        urgent, user=world.users["anna"], outcome="refusal", amount_ore=0, motivering="Nej."
    )
    eid_login(client, STRANGER)
    assert client.get(reverse("urgent:applicant-letter", args=[urgent.pk])).status_code == 404
    assert "Vräkning" not in client.get(reverse("eservice:home")).content.decode()


def test_someone_without_a_case_is_sent_to_the_reception(db, client, eid_login):
    eid_login(client, STRANGER)
    response = client.get(reverse("urgent:apply"))
    assert response.status_code == 404
    assert "reception" in response.content.decode()
    assert not UrgentRequest.objects.exists()
