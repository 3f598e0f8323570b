"""Pensionsmyndigheten: pensions paid out in the month (in SSBTEK v10 inside Försäkringskassan's
Lefi answer, benefit groups ``PM:*``).

Raw payload, as for Försäkringskassan::

    [{"forman": "PM:AP", "belopp": "8400.00", "utbetalningsdatum": "2025-04-18"}, ...]

``PM:BTI`` (bostadstillägg för pensionärer) is a housing allowance, not a pension.
"""

from __future__ import annotations

from typing import Any

from ..base import REGULATION_2008_975, Source
from ..registry import register
from .payments import coded_payments_to_raw, parse_coded_payments

INCOME_TYPES = {
    "PM:AP": "pension",  # allmän pension (ålderspension)
    "PM:EF": "pension",  # efterlevandeförmåner (barnpension, omställningspension)
    "PM:BTI": "housing_allowance",  # bostadstillägg för pensionärer
}


@register
class Pensionsmyndigheten(Source):
    code = "PM"
    label_sv = "Pensionsmyndigheten"
    # The paragraph added for Pensionsmyndigheten by SFS 2009:1200; its number is not yet
    # checked against the consolidated text, hence provisional.
    legal_basis = f"3 a § {REGULATION_2008_975}"
    legal_basis_status = "provisional"
    ssbtek_service = "FK"

    def parse(self, raw: Any) -> list[dict]:
        return parse_coded_payments(raw, code_field="forman", income_types=INCOME_TYPES)

    def to_raw(self, records: list[dict]) -> Any:
        return coded_payments_to_raw(records, code_field="forman", income_types=INCOME_TYPES)
