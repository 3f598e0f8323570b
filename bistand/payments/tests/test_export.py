"""The daily export: one pain.001 file (and a CSV) per batch, and never an order twice."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import xmlschema
from lxml import etree

from bistand.audit.models import AuditEvent
from bistand.audit.payload import looks_like_personnummer
from bistand.payments import files, pain001, render, services
from bistand.payments.models import BatchStatus, PaymentBatch, PaymentOrder, PaymentStatus

from .conftest import EXPORTER

NS = {"p": pain001.NAMESPACE}


def texts(document, path: str) -> list[str]:
    return [getattr(e, "text", e) for e in document.xpath(path, namespaces=NS)]


def parse(path) -> etree._Element:
    return etree.fromstring(path.read_bytes())


def test_the_bank_file_validates_and_says_exactly_what_is_owed(orders, municipality, today):
    # 5 123,00 kr + 0,01 kr + 12 345,67 kr = 17 468,68 kr
    a = orders.make(512300, name=("Åsa", "Öberg"))
    b = orders.make(1, account=("5000", "1234567"))
    c = orders.make(1234567, account=("6789", "123456789"), month="2025-05")

    result = services.export_batch(municipality, today, actor=EXPORTER)

    batch = result.batch
    assert (batch.order_count, batch.total_ore) == (3, 512300 + 1 + 1234567)
    # An independent validator (xmlschema, not the lxml the export uses) agrees.
    xmlschema.XMLSchema(str(pain001.XSD_PATH)).validate(str(result.xml_path))
    document = parse(result.xml_path)
    assert texts(document, "//p:GrpHdr/p:MsgId") == [batch.message_id]
    assert texts(document, "//p:GrpHdr/p:NbOfTxs") == ["3"]
    assert texts(document, "//p:GrpHdr/p:CtrlSum") == ["17468.68"]
    assert texts(document, "//p:PmtInf/p:NbOfTxs") == ["3"]
    assert texts(document, "//p:PmtInf/p:CtrlSum") == ["17468.68"]
    assert sum(Decimal(t) for t in texts(document, "//p:InstdAmt")) == Decimal("17468.68")
    assert texts(document, "//p:InitgPty/p:Id/p:OrgId/p:Othr/p:Id") == ["2120000000"]
    assert texts(document, "//p:PmtInf/p:ReqdExctnDt") == [today.isoformat()]
    assert texts(document, "//p:DbtrAcct//p:Othr/p:Id") == [services.DEMO_DEBTOR_BBAN]
    assert texts(document, "//p:InstdAmt/@Ccy") == ["SEK"] * 3

    transfers = document.xpath("//p:CdtTrfTxInf", namespaces=NS)
    by_id = {tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): tx for tx in transfers}
    assert list(by_id) == [f"UTB-{a.pk}", f"UTB-{b.pk}", f"UTB-{c.pk}"]
    first = by_id[f"UTB-{a.pk}"]
    assert first.findtext("p:Amt/p:InstdAmt", namespaces=NS) == "5123.00"
    assert first.findtext("p:Cdtr/p:Nm", namespaces=NS) == "Åsa Öberg"
    assert first.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "83271234567890"
    assert first.findtext("p:CdtrAcct/p:Id/p:Othr/p:SchmeNm/p:Cd", namespaces=NS) == "BBAN"
    assert first.findtext(".//p:ClrSysMmbId/p:MmbId", namespaces=NS) == "8327"
    assert first.findtext("p:RmtInf/p:Ustrd", namespaces=NS) == "Ekonomiskt bistånd 2025-04"
    assert by_id[f"UTB-{b.pk}"].findtext("p:Amt/p:InstdAmt", namespaces=NS) == "0.01"
    assert by_id[f"UTB-{c.pk}"].findtext("p:Amt/p:InstdAmt", namespaces=NS) == "12345.67"
    assert by_id[f"UTB-{c.pk}"].findtext("p:RmtInf/p:Ustrd", namespaces=NS) == (
        "Ekonomiskt bistånd 2025-05"
    )

    for order in (a, b, c):
        order.refresh_from_db()
        assert (order.status, order.batch_id) == (PaymentStatus.EXPORTED, batch.pk)
    assert batch.status == BatchStatus.EXPORTED
    assert result.xml_path.name == f"utbetalningar-exempelkommun-{today}-{batch.pk}.xml"


def test_the_csv_for_the_ekonomi(orders, municipality, today):
    a = orders.make(512300, name=("Åsa", "Öberg"))
    b = orders.make(99, account=("5000", "1234567"), name=("Bo", "Ek"))

    result = services.export_batch(municipality, today, actor=EXPORTER)

    content = result.csv_path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # so that Excel reads å, ä, ö
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [
        [
            "betalningsid",
            "ärende",
            "mottagare",
            "konto",
            "belopp",
            "valuta",
            "utbetalningsdag",
            "beslut",
        ],
        [
            str(a.pk),
            a.application.case.reference,
            "Åsa Öberg",
            "8327-9, 1234567890",
            "5123,00",
            "SEK",
            today.isoformat(),
            str(a.decision_id),
        ],
        [
            str(b.pk),
            b.application.case.reference,
            "Bo Ek",
            "5000, 1234567",
            "0,99",
            "SEK",
            today.isoformat(),
            str(b.decision_id),
        ],
    ]


def test_orders_without_an_account_are_reported_and_stay_pending(orders, municipality, today):
    paid = orders.make(100000)
    no_account = orders.make(200000, account=None)
    no_name = orders.make(300000, name=("", ""))

    result = services.export_batch(municipality, today, actor=EXPORTER)

    assert result.batch.order_count == 1
    assert [(s.order_id, s.reason) for s in result.skipped] == [
        (no_account.pk, "saknar kontonummer"),
        (no_name.pk, "saknar namn"),
    ]
    for order in (no_account, no_name):
        order.refresh_from_db()
        assert (order.status, order.batch) == (PaymentStatus.PENDING, None)
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.EXPORTED
    assert AuditEvent.objects.get(action="payment.batch_exported").data["skipped"] == 2

    # Once the account is there, the next export takes the order.
    services.set_payout_account(
        no_account.payee, clearing_number="5000", account_number="1234567", actor=EXPORTER
    )
    again = services.export_batch(municipality, today, actor=EXPORTER)
    assert list(again.batch.orders.all()) == [no_account]
    assert [s.order_id for s in again.skipped] == [no_name.pk]


def test_only_orders_due_by_the_execution_date_and_of_this_municipality(
    orders, municipality, today
):
    from datetime import timedelta

    from bistand.cases import seeding

    due = orders.make(100)
    orders.make(200, due=today + timedelta(days=3))
    other = seeding.get_municipality("annankommun")
    other.organisation_number = "212000-0001"
    other.save()
    orders.municipality = other
    orders.make(300)

    result = services.export_batch(municipality, today, actor=EXPORTER)

    assert list(result.batch.orders.all()) == [due]


def test_a_rerun_exports_nothing_twice(orders, municipality, today):
    first_orders = [orders.make(1000 * n) for n in range(1, 4)]
    first = services.export_batch(municipality, today, actor=EXPORTER)

    rerun = services.export_batch(municipality, today, actor=EXPORTER)

    assert rerun.batch is None
    assert PaymentBatch.objects.count() == 1
    assert sorted(p.name for p in first.xml_path.parent.iterdir()) == [
        first.csv_path.name,
        first.xml_path.name,
    ]

    # A decision made after the first export goes in a second batch of the day, alone.
    late = orders.make(5000)
    second = services.export_batch(municipality, today, actor=EXPORTER)
    assert second.batch.sequence == 2
    assert list(second.batch.orders.all()) == [late]
    assert set(first.batch.orders.values_list("pk", flat=True)) == {o.pk for o in first_orders}
    exported = AuditEvent.objects.filter(action="payment.exported")
    assert sorted(e.data["payment"] for e in exported) == sorted(
        o.pk for o in [*first_orders, late]
    )


def test_an_export_that_fails_before_its_commit_leaves_every_order_pending(
    orders, municipality, today, payments_dir, monkeypatch
):
    made = [orders.make(1000 * n) for n in range(1, 4)]
    real_write = files.write_file

    def write_then_fail(path, content):
        if path.name.endswith(".csv.partial"):
            raise OSError("disken är full")
        real_write(path, content)

    monkeypatch.setattr(files, "write_file", write_then_fail)
    with pytest.raises(OSError, match="disken är full"):
        services.export_batch(municipality, today, actor=EXPORTER)

    assert not PaymentBatch.objects.exists()
    assert all(
        (o.status, o.batch_id) == (PaymentStatus.PENDING, None) for o in PaymentOrder.objects.all()
    )
    assert list(payments_dir.iterdir()) == []  # the staged XML was removed too
    assert not AuditEvent.objects.filter(action__startswith="payment.batch").exists()

    monkeypatch.setattr(files, "write_file", real_write)
    result = services.export_batch(municipality, today, actor=EXPORTER)
    assert result.batch.order_count == len(made)


def test_an_export_interrupted_after_its_commit_is_finished_by_the_next(
    orders, municipality, today, payments_dir, monkeypatch
):
    orders.make(1000)
    orders.make(2000)

    def crash(staged, final):
        raise OSError("strömavbrott")

    monkeypatch.setattr(files, "publish", crash)
    with pytest.raises(OSError, match="strömavbrott"):
        services.export_batch(municipality, today, actor=EXPORTER)
    batch = PaymentBatch.objects.get()
    assert batch.status == BatchStatus.BUILT
    assert sorted(p.name for p in payments_dir.iterdir()) == sorted(
        f".{batch.file_stem}.{ext}.partial" for ext in ("xml", "csv")
    )
    monkeypatch.undo()

    result = services.export_batch(municipality, today, actor=EXPORTER)

    assert result.batch is None  # nothing new: the orders are in the first batch
    assert result.completed == [batch]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    xml, csv_path = files.final_paths(batch)
    assert sorted(p.name for p in payments_dir.iterdir()) == sorted([xml.name, csv_path.name])
    rendered = render.RenderedBatch(xml=xml.read_bytes(), csv=csv_path.read_bytes())
    assert (rendered.xml_sha256, rendered.csv_sha256) == (batch.xml_sha256, batch.csv_sha256)


def test_staging_files_of_an_export_that_never_committed_are_cleared(
    orders, municipality, today, payments_dir
):
    payments_dir.mkdir(parents=True)
    orphan = payments_dir / f".utbetalningar-exempelkommun-{today}-999.xml.partial"
    orphan.write_bytes(b"<half")
    neighbour = payments_dir / f".utbetalningar-exempelkommun-nord-{today}-999.xml.partial"
    neighbour.write_bytes(b"<another municipality's>")
    orders.make(1000)

    services.export_batch(municipality, today, actor=EXPORTER)

    assert not orphan.exists()
    assert neighbour.exists()


def test_an_order_taken_by_another_export_meanwhile_is_not_taken_again(
    orders, municipality, today, monkeypatch
):
    """The compare-and-swap: between reading the due orders and taking them, another export
    takes one; this export's batch holds only the others, and its sums say so."""
    taken_elsewhere, *others = [orders.make(1000 * n) for n in range(1, 4)]
    real_payable = services._payable

    def payable_while_another_export_takes_one(order):
        if order.pk == taken_elsewhere.pk:
            rival = PaymentBatch.objects.create(
                municipality=municipality,
                execution_date=today,
                sequence=99,
                message_id="RIVAL",
                created_by=EXPORTER,
                debtor_name="x",
                debtor_organisation_number="2120000000",
                debtor_account="x",
                debtor_bic="x",
            )
            PaymentOrder.objects.filter(pk=order.pk).update(
                batch=rival, status=PaymentStatus.EXPORTED
            )
        return real_payable(order)

    monkeypatch.setattr(services, "_payable", payable_while_another_export_takes_one)
    result = services.export_batch(municipality, today, actor=EXPORTER)

    assert set(result.batch.orders.all()) == set(others)
    assert result.batch.order_count == 2
    assert result.batch.total_ore == 2000 + 3000
    assert texts(parse(result.xml_path), "//p:GrpHdr/p:NbOfTxs") == ["2"]
    taken_elsewhere.refresh_from_db()
    assert taken_elsewhere.batch.message_id == "RIVAL"


def test_the_same_batch_always_gives_the_same_bytes(orders, municipality, today, settings):
    order = orders.make(512300)
    result = services.export_batch(municipality, today, actor=EXPORTER)
    on_disk = (result.xml_path.read_bytes(), result.csv_path.read_bytes())

    # Whatever changes afterwards, the batch renders as it was exported.
    services.set_payout_account(
        order.payee, clearing_number="5000", account_number="7654321", actor=EXPORTER
    )
    order.payee.given_name = "Annika"
    order.payee.save()
    settings.PAYMENT_DEBTOR_ACCOUNT = "5000 1111111"
    municipality.name = "Nya kommunen"
    municipality.save()

    batch = PaymentBatch.objects.get()
    again = render.render(batch)
    assert (again.xml, again.csv) == on_disk
    assert services.verify_batch_files(batch).xml_sha256 == batch.xml_sha256


def test_a_changed_order_no_longer_matches_its_recorded_file(orders, municipality, today):
    order = orders.make(512300)
    services.export_batch(municipality, today, actor=EXPORTER)
    PaymentOrder.objects.filter(pk=order.pk).update(amount_ore=612300)

    with pytest.raises(services.PaymentFileMismatch):
        services.verify_batch_files(PaymentBatch.objects.get())


def test_no_personnummer_in_file_names_or_audit_events(orders, municipality, today):
    personnummer = "198502019980"
    # A Nordea personkonto: the account number is the personnummer itself.
    orders.make(512300, personnummer=personnummer, account=("3300", "8502019980"))
    orders.make(1000)

    result = services.export_batch(municipality, today, actor=EXPORTER)

    for path in (result.xml_path, result.csv_path):
        assert not looks_like_personnummer(path.name)
        assert "8502019980" not in path.name
    for event in AuditEvent.objects.all():
        text = f"{event.subject} {event.actor} {event.data}"
        assert not looks_like_personnummer(text)
        assert "8502019980" not in text
    batch_event = AuditEvent.objects.get(action="payment.batch_exported")
    assert batch_event.actor == "system:payments"
    assert batch_event.data["sha256"] == result.batch.xml_sha256
    assert (batch_event.data["count"], batch_event.data["total_ore"]) == (2, 513300)


def test_bad_requests_are_refused_in_swedish(orders, municipality, today, yesterday, settings):
    orders.make(1000)
    with pytest.raises(services.ExportError, match="har redan passerat"):
        services.export_batch(municipality, yesterday, actor=EXPORTER)

    settings.PAYMENT_DEBTOR_ACCOUNT = "12"
    with pytest.raises(services.ExportError, match="PAYMENT_DEBTOR_ACCOUNT"):
        services.export_batch(municipality, today, actor=EXPORTER)

    settings.PAYMENT_DEBTOR_ACCOUNT = "5000-1234567"
    municipality.organisation_number = ""
    municipality.save()
    with pytest.raises(services.ExportError, match="organisationsnummer"):
        services.export_batch(municipality, today, actor=EXPORTER)
    assert not PaymentBatch.objects.exists()


def test_the_debtor_account_comes_from_settings(orders, municipality, today, settings):
    settings.PAYMENT_DEBTOR_ACCOUNT = "5000 123 45 67"
    settings.PAYMENT_DEBTOR_BIC = "essesess"
    orders.make(1000)

    result = services.export_batch(municipality, today, actor=EXPORTER)

    document = parse(result.xml_path)
    assert texts(document, "//p:DbtrAcct//p:Othr/p:Id") == ["50001234567"]
    assert texts(document, "//p:DbtrAgt//p:BIC") == ["ESSESESS"]
    assert not services.uses_demo_account(result.batch)
