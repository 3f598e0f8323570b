"""Sveriges a-kassor (Arbetslöshetskassornas samorganisation, "SO" in SSBTEK): a-kassa payouts.

Raw payload::

    [{"utbetalningsdatum": "2025-04-10", "nettoEfterSkatt": "9250.50", "ersattningsdagar": 10}, ...]

Normalised: payments with ``income_type`` ``unemployment_benefit``, the amount net after tax.
"""

from __future__ import annotations

from typing import Any

from ..base import (
    REGULATION_2008_975,
    PayloadError,
    Source,
    payment,
    require_amount,
    require_date,
    require_dict,
    require_key,
    require_list,
)
from ..registry import register


@register
class Akassa(Source):
    code = "AKASSA"
    label_sv = "Sveriges a-kassor"
    legal_basis = f"4 § {REGULATION_2008_975}"
    ssbtek_service = "SO"

    def parse(self, raw: Any) -> list[dict]:
        records = []
        for number, item in enumerate(require_list(raw, "a-kassornas svar"), start=1):
            what = f"utbetalning {number}"
            item = require_dict(item, what)
            amount = require_amount(require_key(item, "nettoEfterSkatt", what), what)
            paid_on = require_date(require_key(item, "utbetalningsdatum", what), what)
            days = item.get("ersattningsdagar")
            if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
                raise PayloadError(f"{what}: ersattningsdagar ska vara ett heltal")
            records.append(payment("unemployment_benefit", amount, paid_on))
        return records

    def to_raw(self, records: list[dict]) -> Any:
        return [
            {"utbetalningsdatum": record["paid_on"], "nettoEfterSkatt": record["amount"]}
            for record in records
        ]
