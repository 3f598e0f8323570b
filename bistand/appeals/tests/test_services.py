"""Delivery, rättidsprövning, avvisning, omprövning, forwarding and the court's outcome, through
the services (the views and the API call the same functions)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError

from bistand.appeals import services
from bistand.appeals.models import (
    Appeal,
    AppealStatus,
    Channel,
    CourtOutcome,
    Delivery,
    ReconsiderationKind,
    SupplementaryPayment,
    Timeliness,
)
from bistand.audit.models import AuditEvent
from bistand.cases.models import Person
from bistand.payments.models import PaymentOrder

from .conftest import APPLICANT


def _today(monkeypatch, day: date) -> None:
    monkeypatch.setattr(services, "today", lambda: day)


def _paper(decision, world, arrived_on: date, text="Jag vill ha mer för hyran."):
    return services.register_paper_appeal(
        decision.application, user=world.users["anna"], text=text, arrived_on=arrived_on
    )


# --------------------------------------------------------------------------- delivery


def test_unknown_delivery_is_never_late(decided, world, monkeypatch):
    """JO 3372-2017: when nobody knows when the decision reached the applicant, an appeal
    months later is still treated as timely."""
    _today(monkeypatch, date(2026, 5, 4))
    appeal = _paper(decided, world, date(2026, 5, 4))
    found = services.timeliness(appeal)
    assert found.result == Timeliness.UNKNOWN
    assert found.delivered_on is None and found.period_end is None
    assert "behandlas som inkommet i rätt tid" in found.explanation
    appeal = services.examine(appeal, user=world.users["anna"])
    assert appeal.timeliness == Timeliness.UNKNOWN
    with pytest.raises(services.AppealError):
        services.dismiss(appeal, user=world.users["anna"], reasons="För sent.")


def test_read_on_minasidor_counts_from_the_first_opening_only(decided, monkeypatch):
    person = Person.objects.get(personnummer=APPLICANT)
    _today(monkeypatch, date(2025, 12, 2))
    first = services.record_read_on_minasidor(decided.application, person)
    assert first is not None and first.delivered_on == date(2025, 12, 2)
    _today(monkeypatch, date(2025, 12, 10))
    assert services.record_read_on_minasidor(decided.application, person) is None
    rows = Delivery.objects.filter(decision=decided, channel=Channel.MINASIDOR)
    assert [r.delivered_on for r in rows] == [date(2025, 12, 2)]
    status = services.delivery_of(decided)
    assert status.proven and status.on == date(2025, 12, 2)
    assert status.period_end == date(2025, 12, 23)
    assert AuditEvent.objects.filter(action="appeals.delivered").count() == 1


def test_post_assumed_then_actual_and_the_earliest_proven_counts(decided, world, monkeypatch):
    _today(monkeypatch, date(2025, 12, 20))
    anna = world.users["anna"]
    services.record_post(decided, user=anna, sent_on=date(2025, 12, 2))
    status = services.delivery_of(decided)
    # sent 2 December + 3 days (national.appeals, provisional) = 5 December, assumed
    assert status.on == date(2025, 12, 5) and not status.proven
    assert "antagen" in status.how
    services.record_post(
        decided,
        user=anna,
        sent_on=date(2025, 12, 2),
        delivered_on=date(2025, 12, 9),
        evidence="mottagningsbevis",
    )
    status = services.delivery_of(decided)
    assert status.on == date(2025, 12, 9) and status.proven
    # Read on Mina sidor earlier than the receipt: the earliest proven date counts.
    Delivery.objects.create(
        decision=decided,
        channel=Channel.MINASIDOR,
        delivered_on=date(2025, 12, 4),
        recorded_by="test",
    )
    assert services.delivery_of(decided).on == date(2025, 12, 4)


def test_post_dates_are_checked(decided, world, monkeypatch):
    _today(monkeypatch, date(2025, 12, 20))
    with pytest.raises(services.AppealError, match="före beslutsdagen"):
        services.record_post(decided, user=world.users["anna"], sent_on=date(2025, 11, 30))
    with pytest.raises(services.AppealError, match="mottagningsbevis"):
        services.record_post(
            decided,
            user=world.users["anna"],
            sent_on=date(2025, 12, 2),
            delivered_on=date(2025, 12, 3),
        )


def test_mailbox_stub_records_the_day_it_was_put_there(decided, world, monkeypatch):
    _today(monkeypatch, date(2025, 12, 3))
    delivery = services.send_to_mailbox(decided, user=world.users["anna"])
    assert delivery.delivered_on == date(2025, 12, 3)
    assert services.delivery_of(decided).how == "lagt i den digitala brevlådan"
    with pytest.raises(services.AppealError):
        services.send_to_mailbox(decided, user=world.users["anna"])


# --------------------------------------------------------------------------- timeliness


def _read_on(decision, day: date) -> None:
    Delivery.objects.create(
        decision=decision, channel=Channel.MINASIDOR, delivered_on=day, recorded_by="test"
    )


def test_period_ending_on_a_holiday_moves_to_the_next_working_day(decided, world, monkeypatch):
    """Read Friday 5 December 2025: three weeks ends Friday 26 December (annandag jul) → the
    next working day is Monday 29 December; an appeal that day is timely, 30 December late."""
    _read_on(decided, date(2025, 12, 5))
    _today(monkeypatch, date(2025, 12, 30))
    timely = _paper(decided, world, date(2025, 12, 29))
    late = _paper(decided, world, date(2025, 12, 30))
    assert services.timeliness(timely).result == Timeliness.TIMELY
    assert services.timeliness(timely).period_end == date(2025, 12, 29)
    assert services.timeliness(late).result == Timeliness.LATE


def test_late_appeal_is_dismissed_only_by_a_decision_with_a_letter(decided, world, monkeypatch):
    from bistand.appeals.tests.pdftext import text_of

    _read_on(decided, date(2025, 12, 1))
    _today(monkeypatch, date(2026, 1, 20))
    appeal = _paper(decided, world, date(2026, 1, 20))
    anna = world.users["anna"]
    # Not before the rättidsprövning, and never forwarded or changed as if timely.
    with pytest.raises(services.AppealError):
        services.dismiss(appeal, user=anna, reasons="För sent.")
    appeal = services.examine(appeal, user=anna)
    assert appeal.timeliness == Timeliness.LATE
    assert appeal.period_end_used == date(2025, 12, 22)
    with pytest.raises(services.AppealError, match="avvisas"):
        services.forward(appeal, user=anna)
    with pytest.raises(services.AppealError):
        services.reconsider(appeal, user=anna, new_amount_ore=10**7, reasons="x")
    with pytest.raises(services.AppealError, match="motiveringen"):
        services.dismiss(appeal, user=anna, reasons=" ")
    appeal = services.dismiss(appeal, user=anna, reasons="Inga skäl att pröva i sak.")
    assert appeal.status == AppealStatus.DISMISSED
    text = text_of(bytes(appeal.dismissal_pdf))
    assert "Beslut att avvisa överklagande" in text
    assert "2025-12-22" in text and "2026-01-20" in text
    assert "Så överklagar du beslutet att avvisa" in text
    assert "förvaltningsrätten" in text


def test_a_status_dismissed_needs_a_late_timeliness_in_the_database(decided, world):
    appeal = _paper(decided, world, date(2025, 12, 2))
    with pytest.raises(IntegrityError):
        Appeal.objects.filter(pk=appeal.pk).update(status=AppealStatus.DISMISSED)


# --------------------------------------------------------------------------- omprövning


def _timely(decided, world, monkeypatch):
    _read_on(decided, date(2025, 12, 2))
    _today(monkeypatch, date(2025, 12, 10))
    appeal = _paper(decided, world, date(2025, 12, 10))
    return services.examine(appeal, user=world.users["anna"])


def test_omprovning_pays_the_difference_once(decided, world, monkeypatch):
    from bistand.appeals.tests.pdftext import text_of

    appeal = _timely(decided, world, monkeypatch)
    anna = world.users["anna"]
    before = decided.amount_ore
    new = before + 50000
    r = services.reconsider(appeal, user=anna, new_amount_ore=new, reasons="Hyran godtas.")
    payment = SupplementaryPayment.objects.get(reconsideration=r)
    assert payment.amount_ore == 50000
    # The original order is unchanged; the decision's total is now the new amount.
    assert PaymentOrder.objects.get(decision=decided).amount_ore == before
    assert services.granted_so_far(decided) == new
    # A second omprövning of the same appeal is refused; a new appeal with the same amount
    # gives no second payment.
    with pytest.raises(services.AppealError):
        services.reconsider(appeal, user=anna, new_amount_ore=new, reasons="igen")
    second = services.examine(_paper(decided, world, date(2025, 12, 10)), user=anna)
    with pytest.raises(services.AppealError, match="detsamma"):
        services.reconsider(second, user=anna, new_amount_ore=new, reasons="igen")
    assert SupplementaryPayment.objects.filter(decision=decided).count() == 1
    text = text_of(bytes(r.letter_pdf))
    assert "Omprövning av beslut om ekonomiskt bistånd" in text
    assert "omprövning av beslutet den 2025-12-01" in text
    assert "Skillnaden, 500 kr, betalas ut som en tilläggsutbetalning" in text


def test_omprovning_never_to_the_applicants_disadvantage(decided, world, monkeypatch):
    appeal = _timely(decided, world, monkeypatch)
    with pytest.raises(services.AppealError, match="nackdel"):
        services.reconsider(
            appeal,
            user=world.users["anna"],
            new_amount_ore=decided.amount_ore - 100,
            reasons="Lägre.",
        )
    assert not SupplementaryPayment.objects.exists()


def test_changed_as_requested_the_appeal_lapses(decided, world, monkeypatch):
    appeal = _timely(decided, world, monkeypatch)
    services.reconsider(
        appeal,
        user=world.users["anna"],
        new_amount_ore=decided.amount_ore + 1000,
        reasons="Som begärt.",
        fully_as_requested=True,
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.LAPSED
    with pytest.raises(services.AppealError):
        services.forward(appeal, user=world.users["anna"])


# --------------------------------------------------------------------------- forwarding


def test_forward_bundle_has_every_part_and_the_clock(decided, world, monkeypatch):
    from bistand.appeals.tests.pdftext import text_of

    appeal = _timely(decided, world, monkeypatch)
    # arrived Wednesday 10 December + 7 days (JO practice) = 17 December
    assert appeal.forward_due_on == date(2025, 12, 17)
    anna = world.users["anna"]
    services.reconsider(
        appeal, user=anna, new_amount_ore=decided.amount_ore + 20000, reasons="Del."
    )
    appeal = services.forward(appeal, user=anna, statement="Nämnden vidhåller i övrigt.")
    assert appeal.status == AppealStatus.FORWARDED and appeal.forwarded_on == date(2025, 12, 10)
    text = text_of(bytes(appeal.bundle_pdf))
    for part in (
        "Följebrev och yttrande",
        "Rättidsprövning",
        "i rätt tid",
        "2025-12-23",  # the period's last day from 2 December
        "Nämnden vidhåller i övrigt.",
        "Beslut om ekonomiskt bistånd",
        "Bilaga: Beräkning",
        "Omprövning av beslut om ekonomiskt bistånd",
        "Kommunicerat material",
        "Överklagandet",
        "Jag vill ha mer för hyran.",
    ):
        assert part in text, part


def test_court_outcome_remand_gets_a_deadline_and_a_new_decision(decided, world, monkeypatch):
    appeal = _timely(decided, world, monkeypatch)
    anna = world.users["anna"]
    appeal = services.forward(appeal, user=anna)
    _today(monkeypatch, date(2026, 2, 2))
    with pytest.raises(services.AppealError):
        services.record_court_outcome(
            appeal, user=anna, outcome=CourtOutcome.REMANDED, decided_on=date(2026, 3, 1)
        )
    appeal = services.record_court_outcome(
        appeal,
        user=anna,
        outcome=CourtOutcome.REMANDED,
        decided_on=date(2026, 2, 2),
        case_number="1234-26",
    )
    # 2 February + 28 days = 2 March 2026, a Monday
    assert appeal.remand_due_on == date(2026, 3, 2)
    rows = services.queues(anna)["remanded"]
    assert [r.appeal.pk for r in rows] == [appeal.pk] and rows[0].days_left == 28
    services.reconsider(
        appeal,
        user=anna,
        new_amount_ore=decided.amount_ore,
        reasons="Nytt beslut efter återförvisning.",
        kind=ReconsiderationKind.AFTER_REMAND,
    )
    appeal.refresh_from_db()
    assert appeal.remand_resolved_on == date(2026, 2, 2)
    assert services.queues(anna)["remanded"] == []


def test_bundle_carries_the_communicated_material(decided, world, monkeypatch):
    """bistand.kommunicering's public for_application / material_html feed the bundle."""
    from bistand.appeals.tests.pdftext import text_of
    from bistand.kommunicering import services as kommunicering

    monkeypatch.setattr(kommunicering, "for_application", lambda application: ["k"])
    monkeypatch.setattr(
        kommunicering, "material_html", lambda k: "<p>Hyran överstiger riktlinjens tak.</p>"
    )
    appeal = services.forward(_timely(decided, world, monkeypatch), user=world.users["anna"])
    text = text_of(bytes(appeal.bundle_pdf))
    assert "Hyran överstiger riktlinjens tak." in text
    assert "Inget material kommunicerades" not in text


def test_demo_appeals_once(decided, world):
    from bistand.appeals import demo

    assert demo.seed() == 2  # the fixture's decision and one of the imported history
    assert demo.seed() == 0
    statuses = sorted(Appeal.objects.values_list("status", "timeliness"))
    assert statuses == [("examined", "timely"), ("received", "")]


def test_the_household_is_told_when_the_appeal_moves(decided, world, monkeypatch):
    """A notice without detail ("appeal_update") to each adult with contact details."""
    from bistand.notifications.models import ContactPreference, Notice

    person = Person.objects.get(personnummer=APPLICANT)
    ContactPreference.objects.create(person=person, email="sokande@example.se")
    appeal = _timely(decided, world, monkeypatch)  # examined: one notice
    services.forward(appeal, user=world.users["anna"])  # forwarded: a second
    notices = Notice.objects.filter(person=person, kind="appeal_update")
    assert notices.count() == 2


def test_bundle_with_an_image_and_a_pdf_attachment(decided, world, monkeypatch):
    """A PNG is drawn into the appeal's page, a PDF appended after it, a broken PDF replaced by
    a page that says so: the forwarding is never stopped by a file."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from bistand.appeals.tests.pdftext import text_of
    from bistand.letters.pdf import write_pdf

    png = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(png, format="PNG")
    attached_pdf = write_pdf(
        '<html lang="sv"><head><title>Hyresavi</title></head><body><p>Hyresavi december</p>'
        "</body></html>"
    )
    uploads = []
    for name, data, kind in (
        ("foto.png", png.getvalue(), "image/png"),
        ("hyresavi.pdf", attached_pdf, "application/pdf"),
        ("trasig.pdf", b"%PDF-1.4 inte en riktig pdf", "application/pdf"),
    ):
        upload = SimpleUploadedFile(name, data, content_type=kind)
        upload.detected_type = kind
        uploads.append(upload)
    person = Person.objects.get(personnummer=APPLICANT)
    _read_on(decided, date(2025, 12, 2))
    _today(monkeypatch, date(2025, 12, 10))
    appeal = services.submit_appeal(decided.application, person, "Se bilagorna.", uploads)
    appeal = services.examine(appeal, user=world.users["anna"])
    appeal = services.forward(appeal, user=world.users["anna"])
    text = text_of(bytes(appeal.bundle_pdf))
    assert "foto.png (bild, nedan)" in text
    assert "Hyresavi december" in text
    assert "Filen trasig.pdf" in text and "kunde inte läsas som PDF" in text


def test_a_changed_judgment_is_carried_out_and_the_difference_paid_once(
    decided, world, monkeypatch
):
    from bistand.appeals.tests.pdftext import text_of

    anna = world.users["anna"]
    appeal = services.forward(_timely(decided, world, monkeypatch), user=anna)
    with pytest.raises(services.AppealError):  # not before the court has changed it
        services.reconsider(
            appeal,
            user=anna,
            new_amount_ore=decided.amount_ore + 100,
            reasons="Dom",
            kind=ReconsiderationKind.COURT_JUDGMENT,
        )
    appeal = services.record_court_outcome(
        appeal, user=anna, outcome=CourtOutcome.CHANGED, decided_on=date(2025, 12, 10)
    )
    assert [row.appeal.pk for row in services.queues(anna)["judgments"]] == [appeal.pk]
    r = services.reconsider(
        appeal,
        user=anna,
        new_amount_ore=decided.amount_ore + 70000,
        reasons="Enligt förvaltningsrättens dom.",
        kind=ReconsiderationKind.COURT_JUDGMENT,
    )
    assert r.payment.amount_ore == 70000
    assert "Verkställighet av förvaltningsrättens dom" in text_of(bytes(r.letter_pdf))
    with pytest.raises(services.AppealError):
        services.reconsider(
            appeal,
            user=anna,
            new_amount_ore=decided.amount_ore + 70000,
            reasons="igen",
            kind=ReconsiderationKind.COURT_JUDGMENT,
        )
    assert SupplementaryPayment.objects.filter(decision=decided).count() == 1
    assert services.queues(anna)["judgments"] == []


def test_no_new_rattidsprovning_after_an_omprovning(decided, world, monkeypatch):
    appeal = _timely(decided, world, monkeypatch)
    services.reconsider(
        appeal, user=world.users["anna"], new_amount_ore=decided.amount_ore + 1, reasons="x"
    )
    with pytest.raises(services.AppealError, match="omprövats"):
        services.examine(appeal, user=world.users["anna"])


def test_forwarding_without_a_decision_letter_is_a_clear_refusal(decided, world, monkeypatch):
    from bistand.letters.content import LetterError

    appeal = _timely(decided, world, monkeypatch)

    def broken(decision, **kwargs):
        raise LetterError("beslutet saknar beräkning")

    monkeypatch.setattr("bistand.letters.services.archive_letter", broken)
    with pytest.raises(services.AppealError, match="beslutsbrevet inte kan skapas"):
        services.forward(appeal, user=world.users["anna"])
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.EXAMINED and appeal.forwarded_on is None
