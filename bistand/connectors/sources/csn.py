"""CSN: study support paid out in the month.

Raw payload::

    [{"stodform": "studiemedel", "belopp": "12000.00", "utbetalningsdatum": "2025-04-25"}, ...]

Studiemedel, studiestartsstöd and omställningsstudiestöd are ``study_grant``. Studiehjälp
(studiebidrag for pupils under 20) is ``child_allowance``: the rules engine's income catalogue
files studiebidrag with barnbidrag.
"""

from __future__ import annotations

from typing import Any

from ..base import REGULATION_2008_975, Source
from ..registry import register
from .payments import coded_payments_to_raw, parse_coded_payments

INCOME_TYPES = {
    "studiemedel": "study_grant",
    "studiestartsstod": "study_grant",
    "omstallningsstudiestod": "study_grant",
    "studiehjalp": "child_allowance",
}


@register
class Csn(Source):
    code = "CSN"
    label_sv = "CSN"
    legal_basis = f"2 § {REGULATION_2008_975}"
    ssbtek_service = "CSN"

    def parse(self, raw: Any) -> list[dict]:
        return parse_coded_payments(raw, code_field="stodform", income_types=INCOME_TYPES)

    def to_raw(self, records: list[dict]) -> Any:
        return coded_payments_to_raw(records, code_field="stodform", income_types=INCOME_TYPES)
