"""Shared parsing of payment lists: the FK, PM, CSN and a-kassa payloads are lists of payouts."""

from __future__ import annotations

from typing import Any

from ..base import (
    PayloadError,
    payment,
    require_amount,
    require_date,
    require_dict,
    require_key,
    require_list,
    require_text,
)


def parse_coded_payments(
    raw: Any,
    *,
    code_field: str,
    income_types: dict[str, str],
    amount_field: str = "belopp",
    date_field: str = "utbetalningsdatum",
) -> list[dict]:
    """``[{code_field: <agency code>, amount_field: "1234.00", date_field: "2025-04-25"}, ...]``.

    The agency code is looked up in ``income_types``; a code we do not know is a payload error
    (so the source becomes UNKNOWN and a caseworker looks), never silently dropped or guessed.
    """
    records = []
    for number, item in enumerate(require_list(raw, "svaret"), start=1):
        what = f"utbetalning {number}"
        item = require_dict(item, what)
        code = require_text(require_key(item, code_field, what), f"{what}: {code_field}")
        if code not in income_types:
            raise PayloadError(f"{what} har en okänd förmånskod ({code})")
        amount = require_amount(require_key(item, amount_field, what), f"{what}: {amount_field}")
        paid_on = require_date(require_key(item, date_field, what), f"{what}: {date_field}")
        records.append(payment(income_types[code], amount, paid_on))
    return records


def coded_payments_to_raw(
    records: list[dict],
    *,
    code_field: str,
    income_types: dict[str, str],
    amount_field: str = "belopp",
    date_field: str = "utbetalningsdatum",
) -> list[dict]:
    """The inverse: normalised payments → raw items, using the first code of each income type."""
    codes = {}
    for code, income_type in income_types.items():
        codes.setdefault(income_type, code)
    raw = []
    for record in records:
        if record.get("kind") != "payment" or record.get("income_type") not in codes:
            raise ValueError(
                f"not a payment this source makes: kind={record.get('kind')!r}, "
                f"income_type={record.get('income_type')!r}"
            )
        raw.append(
            {
                code_field: codes[record["income_type"]],
                amount_field: record["amount"],
                date_field: record["paid_on"],
            }
        )
    return raw
