"""A batch's two files, from what the batch and its orders recorded when it was made.

Rendering reads only values stored at export (the batch's debtor and initiator, each order's
creditor name and account), so rendering the same batch again gives the same bytes, whatever
has changed in settings or payout accounts since.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from django.utils import timezone

from . import accounts, pain001
from .models import PaymentBatch, PaymentOrder

CSV_COLUMNS = (
    "betalningsid",
    "ärende",
    "mottagare",
    "konto",
    "belopp",
    "valuta",
    "utbetalningsdag",
    "beslut",
)


@dataclass(frozen=True)
class RenderedBatch:
    xml: bytes
    csv: bytes

    @property
    def xml_sha256(self) -> str:
        return hashlib.sha256(self.xml).hexdigest()

    @property
    def csv_sha256(self) -> str:
        return hashlib.sha256(self.csv).hexdigest()


def end_to_end_id(order: PaymentOrder) -> str:
    """The payment's id in the bank file, stable for the order: ``UTB-<order id>``."""
    return f"UTB-{order.pk}"


def remittance(order: PaymentOrder) -> str:
    """What the payee's bank statement says (some banks show only the first 12 characters)."""
    if order.supplementary_id:  # the difference an omprövning or a judgment granted
        return f"Ekonomiskt bistånd {order.application.month} tillägg"
    return f"Ekonomiskt bistånd {order.application.month}"


def orders_of(batch: PaymentBatch) -> list[PaymentOrder]:
    return list(batch.orders.select_related("application__case").order_by("pk"))


def render(batch: PaymentBatch, orders: list[PaymentOrder] | None = None) -> RenderedBatch:
    orders = orders_of(batch) if orders is None else sorted(orders, key=lambda o: o.pk)
    return RenderedBatch(xml=render_xml(batch, orders), csv=render_csv(batch, orders))


def render_xml(batch: PaymentBatch, orders: list[PaymentOrder]) -> bytes:
    return pain001.build(
        pain001.CreditTransferFile(
            message_id=batch.message_id,
            payment_info_id=f"{batch.message_id[:31]}-P1",
            created=timezone.localtime(batch.created_at),
            execution_date=batch.execution_date,
            initiator=pain001.Party(
                name=batch.debtor_name, organisation_number=batch.debtor_organisation_number
            ),
            debtor_account=pain001.DebtorAccount(bban=batch.debtor_account, bic=batch.debtor_bic),
            transfers=tuple(
                pain001.Transfer(
                    end_to_end_id=end_to_end_id(order),
                    amount_ore=order.amount_ore,
                    creditor_name=order.creditor_name,
                    creditor_clearing=order.creditor_clearing[:4],
                    creditor_bban=accounts.bban(order.creditor_clearing, order.creditor_account),
                    remittance=remittance(order),
                )
                for order in orders
            ),
        )
    )


def amount_csv(ore: int) -> str:
    """Decimal comma, as Swedish spreadsheets read a number: 123456 → ``1234,56``."""
    return pain001.amount_text(ore).replace(".", ",")


def render_csv(batch: PaymentBatch, orders: list[PaymentOrder]) -> bytes:
    """Semicolon-separated UTF-8 (with a byte order mark, so Excel reads å, ä, ö), CRLF.

    For the municipality's ekonomi: the full account number is in it, as in the bank file.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for order in orders:
        writer.writerow(
            (
                order.pk,
                order.application.case.reference,
                order.creditor_name,
                accounts.display_full(order.creditor_clearing, order.creditor_account),
                amount_csv(order.amount_ore),
                pain001.CURRENCY,
                batch.execution_date.isoformat(),
                order.decision_id or f"tillägg {order.supplementary_id}",
            )
        )
    return out.getvalue().encode("utf-8-sig")
