"""The payment page: make the day's payment file, list batches, download files."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor
from bistand.decisions import review
from bistand.payments.models import PaymentBatch
from bistand.payments.services import next_bank_day, set_payout_account

from .conftest import proposal_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted(world, ready, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    decision = review.approve(proposal_of(ready), user=world.users["anna"]).decision
    payee = decision.payment.payee
    payee.given_name, payee.family_name = "Erik", "Exempel"
    payee.save()
    set_payout_account(
        payee, clearing_number="8327-9", account_number="123 456 789-0", actor=Actor.system("test")
    )
    return decision


def test_the_team_lead_makes_the_days_file_and_downloads_it(client, world, granted):
    client.force_login(world.users["lead"])
    page = client.get("/handlaggning/utbetalningar/").content.decode()
    assert "Inga betalfiler ännu." in page
    assert f'value="{next_bank_day(timezone.localdate()).isoformat()}"' in page
    response = client.post(
        "/handlaggning/utbetalningar/",
        {"execution_date": next_bank_day(timezone.localdate()).isoformat()},
        follow=True,
    )
    html = response.content.decode()
    assert "Betalfilen är skapad: 1 betalning." in html
    batch = PaymentBatch.objects.get()
    assert batch.created_by == f"user:{world.users['lead'].pk}:lead"
    assert batch.total_ore == granted.amount_ore
    xml = client.get(f"/handlaggning/utbetalningar/{batch.pk}/xml/")
    assert xml.status_code == 200 and b"pain.001" in b"".join(xml.streaming_content)
    csv = client.get(f"/handlaggning/utbetalningar/{batch.pk}/csv/")
    assert csv.status_code == 200
    assert AuditEvent.objects.filter(action="payment.file_downloaded").count() == 2
    assert client.get(f"/handlaggning/utbetalningar/{batch.pk}/pdf/").status_code == 404
    # Nothing new the second time.
    response = client.post(
        "/handlaggning/utbetalningar/",
        {"execution_date": next_bank_day(timezone.localdate()).isoformat()},
        follow=True,
    )
    assert "Det fanns inga nya betalningar att skicka." in response.content.decode()
    assert PaymentBatch.objects.count() == 1


def test_a_date_in_the_past_is_refused_on_the_form(client, world, granted):
    client.force_login(world.users["lead"])
    response = client.post("/handlaggning/utbetalningar/", {"execution_date": "2020-01-02"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Det finns fel att rätta" in html and "har redan passerat" in html
    response = client.post("/handlaggning/utbetalningar/", {"execution_date": "i morgon"})
    assert response.status_code == 400
    assert "Skriv datumet som ÅÅÅÅ-MM-DD." in response.content.decode()
    assert not PaymentBatch.objects.exists()


def test_files_of_another_municipality_are_not_found(client, world, granted):
    from bistand.cases.seeding import get_municipality

    from .conftest import make_staff

    client.force_login(world.users["lead"])
    client.post(
        "/handlaggning/utbetalningar/",
        {"execution_date": next_bank_day(timezone.localdate()).isoformat()},
    )
    batch = PaymentBatch.objects.get()
    other = make_staff("ext", "gruppledare", municipality=get_municipality("annankommun"))
    client.force_login(other)
    assert client.get(f"/handlaggning/utbetalningar/{batch.pk}/xml/").status_code == 404
    assert "Inga betalfiler ännu." in client.get("/handlaggning/utbetalningar/").content.decode()


def test_the_caseworker_who_decided_makes_the_days_file(client, world, granted):
    anna = world.users["anna"]
    client.force_login(anna)
    response = client.post(
        "/handlaggning/utbetalningar/",
        {"execution_date": next_bank_day(timezone.localdate()).isoformat()},
        follow=True,
    )
    assert "Betalfilen är skapad: 1 betalning." in response.content.decode()
    batch = PaymentBatch.objects.get()
    assert batch.created_by == f"user:{anna.pk}:anna"
    # The file names every recipient in the municipality: a caseworker (who sees only their
    # units) does not download it; the team lead does.
    page = client.get("/handlaggning/utbetalningar/").content.decode()
    assert "Laddas ner av gruppledare eller administratör" in page
    assert f"/handlaggning/utbetalningar/{batch.pk}/xml/" not in page
    assert client.get(f"/handlaggning/utbetalningar/{batch.pk}/xml/").status_code == 403
    client.force_login(world.users["lead"])
    assert client.get(f"/handlaggning/utbetalningar/{batch.pk}/xml/").status_code == 200


def test_orders_left_out_are_listed_only_for_cases_the_user_sees(
    client, world, ready, settings, tmp_path
):
    """An order without an account is left out and reported, but only to those who see it."""
    settings.VAR_DIR = tmp_path
    review.approve(proposal_of(ready), user=world.users["anna"])  # no payout account
    reference = ready.case.reference
    day = {"execution_date": next_bank_day(timezone.localdate()).isoformat()}

    client.force_login(world.users["syd"])  # Enhet Syd: does not see the case
    page = client.post("/handlaggning/utbetalningar/", day, follow=True).content.decode()
    assert "1 utbetalning i ärenden som du inte har tillgång till kom inte med i filen." in page
    assert reference not in page

    client.force_login(world.users["anna"])
    page = client.post("/handlaggning/utbetalningar/", day, follow=True).content.decode()
    assert "Utbetalningar som inte kom med i filen" in page
    assert reference in page
    assert "inte har tillgång till" not in page
    assert not PaymentBatch.objects.exists()
