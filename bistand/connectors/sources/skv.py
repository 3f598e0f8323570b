"""Skatteverket: who is registered at the person's address, protected identity, and salaries
reported by employers (arbetsgivardeklaration på individnivå, AGI).

Raw payload::

    {"skyddadIdentitet": false,
     "folkbokforing": {"adressnyckel": "a1b2c3d4e5f60718", "personer": ["191212121212", ...]},
     "arbetsgivardeklarationer": [
        {"arbetsgivare": "Exempelbolaget AB", "kontantBruttolon": "24000.00",
         "avdragenSkatt": "5200.00", "utbetalningsdatum": "2025-04-25"}, ...]}

Normalised, in this order:

- always ``{"kind": "protected_identity", "protected": bool}``;
- ``{"kind": "population_register", "address_key": str, "persons": [12-digit personnummer]}``,
  left out only for a person with protected identity (Skatteverket then gives no address).
  ``address_key`` is an opaque key, never a street address: it says who lives *together*;
- one ``{"kind": "payment", "income_type": "salary", "amount": <net>, "gross": ..., "tax": ...,
  "employer": ..., "paid_on": ...}`` per AGI row, net = gross − preliminary tax.

A missing ``folkbokforing`` for someone without protected identity is a payload error: we do
not know the household, which is not the same as "lives alone".
"""

from __future__ import annotations

import re
from typing import Any

from ..base import (
    REGULATION_2008_975,
    PayloadError,
    Source,
    amount_str,
    require_amount,
    require_bool,
    require_date,
    require_dict,
    require_key,
    require_list,
    require_personnummer,
    require_text,
)
from ..registry import register

_ADDRESS_KEY = re.compile(r"^[A-Za-z0-9:_-]{8,128}$")


@register
class Skatteverket(Source):
    code = "SKV"
    label_sv = "Skatteverket"
    # 6 § covers taxation data. Employers' AGI data to the social services comes with
    # prop. 2024/25:179 (in force 2025-12-01); the combined reference is not yet checked.
    legal_basis = f"6 § {REGULATION_2008_975}"
    legal_basis_status = "provisional"
    ssbtek_service = "SKV"

    def parse(self, raw: Any) -> list[dict]:
        data = require_dict(raw, "Skatteverkets svar")
        what = "Skatteverkets svar"
        protected = require_bool(require_key(data, "skyddadIdentitet", what), "skyddadIdentitet")
        records: list[dict] = [{"kind": "protected_identity", "protected": protected}]

        population = data.get("folkbokforing")
        if population is None:
            if not protected:
                raise PayloadError("folkbokföringsuppgifter saknas")
        else:
            population = require_dict(population, "folkbokforing")
            key = require_text(require_key(population, "adressnyckel", "folkbokforing"), "nyckel")
            if not _ADDRESS_KEY.match(key):
                raise PayloadError(
                    "adressnyckeln har fel form (ska vara en nyckel, inte en adress)"
                )
            persons = []
            for person in require_list(
                require_key(population, "personer", "folkbokforing"), "personer"
            ):
                number = require_personnummer(person, "en person i folkbokföringen")
                if number not in persons:
                    persons.append(number)
            records.append({"kind": "population_register", "address_key": key, "persons": persons})

        rows = require_list(data.get("arbetsgivardeklarationer", []), "arbetsgivardeklarationer")
        for number, row in enumerate(rows, start=1):
            what = f"arbetsgivardeklaration {number}"
            row = require_dict(row, what)
            gross = require_amount(require_key(row, "kontantBruttolon", what), f"{what}: lön")
            tax = require_amount(require_key(row, "avdragenSkatt", what), f"{what}: skatt")
            if tax > gross:
                raise PayloadError(f"{what}: avdragen skatt är större än lönen")
            employer = require_text(require_key(row, "arbetsgivare", what), f"{what}: arbetsgivare")
            paid_on = require_date(require_key(row, "utbetalningsdatum", what), f"{what}: datum")
            records.append(
                {
                    "kind": "payment",
                    "income_type": "salary",
                    "amount": amount_str(gross - tax),
                    "gross": amount_str(gross),
                    "tax": amount_str(tax),
                    "employer": employer,
                    "paid_on": paid_on,
                }
            )
        return records

    def to_raw(self, records: list[dict]) -> Any:
        raw: dict[str, Any] = {
            "skyddadIdentitet": False,
            "folkbokforing": None,
            "arbetsgivardeklarationer": [],
        }
        for record in records:
            kind = record.get("kind")
            if kind == "protected_identity":
                raw["skyddadIdentitet"] = record["protected"]
            elif kind == "population_register":
                raw["folkbokforing"] = {
                    "adressnyckel": record["address_key"],
                    "personer": list(record["persons"]),
                }
            elif kind == "payment" and record.get("income_type") == "salary":
                raw["arbetsgivardeklarationer"].append(
                    {
                        "arbetsgivare": record["employer"],
                        "kontantBruttolon": record["gross"],
                        "avdragenSkatt": record["tax"],
                        "utbetalningsdatum": record["paid_on"],
                    }
                )
            else:
                raise ValueError(f"not a record Skatteverket gives: kind={kind!r}")
        return raw
