"""Försäkringskassan: benefits paid out in the month (in SSBTEK v10 via Lefi förmånsinformation).

Raw payload: a list of payouts, each with its Lefi benefit group code::

    [{"forman": "FK:BOB", "belopp": "1500.00", "utbetalningsdatum": "2025-04-25"}, ...]

``belopp`` is the amount paid out, after preliminary tax. Normalised: one payment record each
(``income_type`` from the table below). A code not in the table makes the answer UNKNOWN: an
income we cannot classify goes to a caseworker; it is never dropped.
"""

from __future__ import annotations

from typing import Any

from ..base import REGULATION_2008_975, Source
from ..registry import register
from .payments import coded_payments_to_raw, parse_coded_payments

#: Lefi benefit group → the rules engine's income type. The first code of a type is the one
#: the simulator writes.
INCOME_TYPES = {
    "FK:SJP": "sickness_benefit",  # sjukpenning
    "FK:SA": "sickness_benefit",  # sjuk- och aktivitetsersättning
    "FK:FP": "parental_benefit",  # föräldrapenning
    "FK:TFP": "parental_benefit",  # tillfällig föräldrapenning
    "FK:BOB": "housing_allowance",  # bostadsbidrag
    "FK:BTI": "housing_allowance",  # bostadstillägg
    "FK:ABB": "child_allowance",  # allmänt barnbidrag (och flerbarnstillägg)
    "FK:AS": "activity_support",  # aktivitetsstöd, utvecklingsersättning
    "FK:US": "maintenance_support",  # underhållsstöd
    "FK:ET": "establishment_benefit",  # etableringsersättning
}


@register
class Forsakringskassan(Source):
    code = "FK"
    label_sv = "Försäkringskassan"
    legal_basis = f"3 § {REGULATION_2008_975}"
    ssbtek_service = "FK"

    def parse(self, raw: Any) -> list[dict]:
        return parse_coded_payments(raw, code_field="forman", income_types=INCOME_TYPES)

    def to_raw(self, records: list[dict]) -> Any:
        return coded_payments_to_raw(records, code_field="forman", income_types=INCOME_TYPES)
