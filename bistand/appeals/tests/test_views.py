"""The caseworker's pages and the applicant's: who may see and do what (the attacks), and the
steps through the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from bistand.appeals import services
from bistand.appeals.models import Appeal, AppealStatus, Channel, Delivery, Timeliness
from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor


def _case_url(decision) -> str:
    return reverse("workspace:application", args=[decision.application_id])


def _url(name, decision, *args) -> str:
    return reverse(f"appeals:{name}", args=[decision.application_id, *args])


def _paper(decision, world, arrived_on=None):
    return services.register_paper_appeal(
        decision.application,
        user=world.users["anna"],
        text="Hyran ska godtas.",
        arrived_on=arrived_on or date.today(),
    )


def test_case_view_shows_delivery_and_period_end(client, decided, world):
    Delivery.objects.create(
        decision=decided,
        channel=Channel.MINASIDOR,
        delivered_on=date(2025, 12, 5),
        recorded_by="test",
    )
    client.force_login(world.users["anna"])
    page = client.get(_case_url(decided)).content.decode()
    assert "Delgivning och överklagande" in page
    assert "2025-12-05 (läst på Mina sidor)" in page
    # 5 Dec + 3 weeks = 26 Dec (annandag jul) → Monday 29 December
    assert 'Sista dag att överklaga</dt><dd class="govuk-summary-list__value">2025-12-29' in page


def test_unknown_delivery_is_said_on_the_case_view(client, decided, world):
    client.force_login(world.users["anna"])
    page = client.get(_case_url(decided)).content.decode()
    assert "Okänd." in page and "JO dnr 3372-2017" in page


def test_caseworker_registers_examines_and_forwards_through_the_pages(client, decided, world):
    client.force_login(world.users["anna"])
    today = date.today()
    response = client.post(
        _url("register", decided),
        {"arrived_on": today.isoformat(), "text": "Jag överklagar hyresdelen."},
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.channel == "paper" and appeal.registered_by == world.users["anna"]
    client.post(_url("examine", decided, appeal.pk))
    appeal.refresh_from_db()
    assert appeal.timeliness == Timeliness.UNKNOWN
    page = client.get(_case_url(decided)).content.decode()
    assert "Delgivning okänd – behandlas som i rätt tid" in page
    queue = client.get(reverse("appeals:queue")).content.decode()
    assert decided.application.case.reference in queue and "dagar kvar" in queue
    client.post(_url("forward", decided, appeal.pk), {"statement": "Vidhålls."})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FORWARDED
    response = client.get(_url("bundle", decided, appeal.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_bad_input_gives_a_swedish_message_and_nothing_is_stored(client, decided, world):
    client.force_login(world.users["anna"])
    response = client.post(
        _url("register", decided), {"arrived_on": "igår", "text": ""}, follow=True
    )
    page = response.content.decode()
    assert "Skriv datumet som ÅÅÅÅ-MM-DD." in page
    assert not Appeal.objects.exists()
    appeal = _paper(decided, world)
    client.post(_url("examine", decided, appeal.pk))
    response = client.post(
        _url("reconsider", decided, appeal.pk),
        {"new_amount": "1", "reasons": "Lägre belopp."},
        follow=True,
    )
    assert "till sökandens nackdel" in response.content.decode()


def test_read_only_role_cannot_register_or_forward(client, decided, world):
    appeal = _paper(decided, world)
    services.examine(appeal, user=world.users["anna"])
    client.force_login(world.users["auditor"])
    assert client.get(_case_url(decided)).status_code == 200
    assert client.post(_url("register", decided), {"text": "x"}).status_code == 403
    assert client.post(_url("forward", decided, appeal.pk)).status_code == 403
    assert client.post(_url("post", decided), {"sent_on": "2025-12-02"}).status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.EXAMINED
    assert Appeal.objects.count() == 1


def test_another_unit_gets_404(client, decided, world):
    appeal = _paper(decided, world)
    client.force_login(world.users["syd"])
    assert client.post(_url("examine", decided, appeal.pk)).status_code == 404
    assert client.post(_url("register", decided), {"text": "x"}).status_code == 404
    assert client.get(_url("bundle", decided, appeal.pk)).status_code == 404
    assert appeal.pk not in [r.appeal.pk for r in services.queues(world.users["syd"])["examine"]]


def test_an_appeal_of_another_application_is_404_under_this_one(
    client, decided, other_household, world
):
    theirs = services.register_paper_appeal(
        other_household.application,
        user=world.users["syd"],
        text="x",
        arrived_on=date.today(),
    )
    client.force_login(world.users["anna"])
    assert client.post(_url("examine", decided, theirs.pk)).status_code == 404


# --------------------------------------------------------------------------- Mina sidor


@pytest.fixture
def applicant_client(client, eid_login, decided):
    from .conftest import APPLICANT

    eid_login(client, APPLICANT)
    return client


def test_delivery_is_recorded_on_the_first_read_only(applicant_client, decided):
    url = reverse("eservice:decision", args=[decided.application_id])
    assert applicant_client.get(url).status_code == 200
    assert applicant_client.get(url).status_code == 200
    applicant_client.get(reverse("eservice:decision-pdf", args=[decided.application_id]))
    rows = Delivery.objects.filter(decision=decided)
    assert rows.count() == 1 and rows.get().channel == Channel.MINASIDOR
    assert AuditEvent.objects.filter(action="appeals.delivered").count() == 1


def test_applicant_appeals_with_a_file(applicant_client, decided):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("appeals:minasidor-appeal", args=[decided.application_id])
    page = applicant_client.get(url).content.decode()
    assert "Överklaga beslutet" in page
    upload = SimpleUploadedFile("hyra.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = applicant_client.post(url, {"text": "Hyran ska godtas.", "bilaga1-file": upload})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.channel == "minasidor" and appeal.attachments.count() == 1
    page = applicant_client.get(
        reverse("eservice:application", args=[decided.application_id])
    ).content.decode()
    assert "Ditt överklagande" in page and "Nämnden ska pröva om det kom in i tid." in page


def test_applicant_bad_file_and_empty_text(applicant_client, decided):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("appeals:minasidor-appeal", args=[decided.application_id])
    upload = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/pdf")
    page = applicant_client.post(url, {"text": "", "bilaga1-file": upload}).content.decode()
    assert "Skriv vad du vill ändra i beslutet och varför." in page
    assert "Filen måste vara en PDF, JPG eller PNG." in page
    assert not Appeal.objects.exists()


def test_another_persons_decision_cannot_be_appealed_or_seen(
    applicant_client, decided, other_household
):
    url = reverse("appeals:minasidor-appeal", args=[other_household.application_id])
    assert applicant_client.get(url).status_code == 404
    assert applicant_client.post(url, {"text": "Mitt överklagande"}).status_code == 404
    assert not Appeal.objects.exists()


def test_partner_follows_the_appeal(client, eid_login, decided, world):
    from .conftest import PARTNER

    appeal = _paper(decided, world)
    appeal = services.examine(appeal, user=world.users["anna"])
    r = services.reconsider(
        appeal,
        user=world.users["anna"],
        new_amount_ore=decided.amount_ore + 10000,
        reasons="Elkostnaden godtas.",
    )
    services.forward(appeal, user=world.users["anna"])
    eid_login(client, PARTNER)
    page = client.get(
        reverse("eservice:application", args=[decided.application_id])
    ).content.decode()
    assert "Ditt överklagande" in page and "i rätt tid" in page
    assert "Nämnden har omprövat beslutet" in page and "Skillnaden betalas ut" in page
    assert "Skickat till förvaltningsrätten" in page
    letter = client.get(
        reverse("appeals:minasidor-letter", args=[decided.application_id, appeal.pk, r.pk])
    )
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"


def test_supplementary_payment_follows_the_payment_file_not_a_manual_mark(
    client, decided, world, settings, tmp_path
):
    from bistand.appeals.models import SupplementaryPayment
    from bistand.payments import services as payments

    appeal = services.examine(_paper(decided, world), user=world.users["anna"])
    services.reconsider(
        appeal, user=world.users["anna"], new_amount_ore=decided.amount_ore + 5000, reasons="x"
    )
    payment = SupplementaryPayment.objects.get()
    assert payment.order.amount_ore == 5000 and payment.order.status == "pending"
    client.force_login(world.users["anna"])

    def listed() -> str:
        page = client.get(reverse("appeals:queue")).content.decode().replace("\xa0", " ")
        return page.split('id="tillagg"')[1]

    assert "Väntar på nästa betalfil – mottagaren saknar konto" in listed()
    type(payment.payee).objects.filter(pk=payment.payee_id).update(
        given_name="Maria", family_name="Berg"
    )
    payments.set_payout_account(
        payment.payee,
        clearing_number="8327-9",
        account_number="123 456 789-0",
        actor=Actor.system("test"),
    )
    assert "50 kr" in listed() and "Väntar på nästa betalfil</td>" in listed()
    client.force_login(world.users["syd"])  # another unit does not see it
    assert "50 kr" not in listed()
    client.force_login(world.users["anna"])
    settings.VAR_DIR = tmp_path  # the payment files go to the test's own folder
    day = payments.next_bank_day(timezone.localdate())
    result = payments.export_batch(
        decided.application.case.municipality, day, actor=Actor.system("test")
    )
    assert payment.order in list(result.batch.orders.all())
    assert "Skickad till banken" in listed()
    payments.mark_batch_paid(result.batch, actor=Actor.system("test"))
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.paid_at is not None
    assert "50 kr" not in listed() and "Inga." in listed()
    # The manual mark is gone: only the bank's confirmation of the file pays it.
    assert (
        client.post(f"/handlaggning/overklaganden/tillagg/{payment.pk}/utbetald/").status_code
        == 404
    )


def test_the_supplement_is_on_the_payments_page(client, decided, world, settings, tmp_path):
    from bistand.payments import services as payments

    settings.VAR_DIR = tmp_path
    appeal = services.examine(_paper(decided, world), user=world.users["anna"])
    services.reconsider(
        appeal, user=world.users["anna"], new_amount_ore=decided.amount_ore + 5000, reasons="x"
    )
    day = payments.next_bank_day(timezone.localdate()).isoformat()
    client.force_login(world.users["lead"])
    # The payee has no account yet: both the decision's payment and the supplement are listed
    # as left out of the file, with the case.
    page = client.post("/handlaggning/utbetalningar/", {"execution_date": day}).content.decode()
    reference = decided.application.case.reference
    left_out = page.split("Utbetalningar som inte kom med i filen")[1].split("</table>")[0]
    assert left_out.count(f">{reference}</th>") == 2 and "50\xa0kr" in left_out
    assert "saknar kontonummer" in left_out
    payee = decided.payment.payee
    type(payee).objects.filter(pk=payee.pk).update(given_name="Maria", family_name="Berg")
    payments.set_payout_account(
        payee, clearing_number="8327-9", account_number="123 456 789-0", actor=Actor.system("t")
    )
    response = client.post("/handlaggning/utbetalningar/", {"execution_date": day}, follow=True)
    assert "Betalfilen är skapad: 2 betalningar." in response.content.decode()


def test_omprovning_through_the_page_takes_the_amount_as_people_write_it(client, decided, world):
    """Amounts as "13 840" and "13 840,50 kr", as everywhere else in Bistånd (found walking
    issue 12 through `make run`: the page refused "13 840")."""
    appeal = services.examine(_paper(decided, world), user=world.users["anna"])
    client.force_login(world.users["anna"])
    kronor = decided.amount_ore // 100 + 1900
    written = f"{kronor // 1000} {kronor % 1000:03d},50 kr"
    response = client.post(
        _url("reconsider", decided, appeal.pk),
        {"new_amount": written, "reasons": "Hyran godtas med 1 900 kr mer."},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert appeal.reconsiderations.get().new_amount_ore == kronor * 100 + 50
