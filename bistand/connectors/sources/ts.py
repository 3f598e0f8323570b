"""Transportstyrelsen: the vehicles the person is registered owner of ("TNS" in SSBTEK).

Raw payload (the element names of SSBTEK's fordonsinnehav)::

    [{"regnr": "ABC123", "fabrikat": "Volvo", "fordonsar": 2012, "fordonsslag": "PERSONBIL"}, ...]

Normalised::

    {"kind": "vehicle", "registration": "ABC123", "make": "Volvo", "model_year": 2012,
     "vehicle_type": "personbil"}
"""

from __future__ import annotations

import re
from typing import Any

from ..base import (
    PayloadError,
    Source,
    require_dict,
    require_key,
    require_list,
    require_text,
)
from ..registry import register

_REGISTRATION = re.compile(r"^[A-ZÅÄÖ0-9]{2,7}$")


@register
class Transportstyrelsen(Source):
    code = "TS"
    label_sv = "Transportstyrelsen"
    # Not one of the agencies in förordningen (2008:975); Transportstyrelsen answers in SSBTEK
    # from the vägtrafikregister. The basis below is not yet checked by a jurist.
    legal_basis = "lagen (2019:369) om trafikregister"
    legal_basis_status = "provisional"
    ssbtek_service = "TNS"

    def parse(self, raw: Any) -> list[dict]:
        records = []
        for number, item in enumerate(require_list(raw, "Transportstyrelsens svar"), start=1):
            what = f"fordon {number}"
            item = require_dict(item, what)
            registration = require_text(require_key(item, "regnr", what), f"{what}: regnr")
            registration = registration.replace(" ", "").upper()
            if not _REGISTRATION.match(registration):
                raise PayloadError(f"{what} har ett registreringsnummer med fel form")
            make = require_text(require_key(item, "fabrikat", what), f"{what}: fabrikat")
            year = require_key(item, "fordonsar", what)
            if isinstance(year, str) and year.isdigit():
                year = int(year)
            if isinstance(year, bool) or not isinstance(year, int) or not 1885 <= year <= 2100:
                raise PayloadError(f"{what}: fordonsår ska vara ett årtal")
            kind = require_text(require_key(item, "fordonsslag", what), f"{what}: fordonsslag")
            records.append(
                {
                    "kind": "vehicle",
                    "registration": registration,
                    "make": make,
                    "model_year": year,
                    "vehicle_type": kind.lower(),
                }
            )
        return records

    def to_raw(self, records: list[dict]) -> Any:
        return [
            {
                "regnr": record["registration"],
                "fabrikat": record["make"],
                "fordonsar": record["model_year"],
                "fordonsslag": record["vehicle_type"].upper(),
            }
            for record in records
        ]
