"""Migrationsverket: the person's right to stay in Sweden, and residence and work permits with
their validity ("MIV" in SSBTEK, a base service since v8).

Raw payload (one object; the field names are ours, modelled on what SSBTEK carries from
Migrationsverket: the permit's type, the decision code and the validity)::

    {"uppehallsstatus": "SVENSK_MEDBORGARE" | "EU_UPPEHALLSRATT" | "TILLSTAND" | "SAKNAS",
     "tillstand": [{"typ": "UT" | "PUT" | "AT", "beslutskod": "BV",
                    "giltigFran": "2025-07-01", "giltigTill": "2027-06-30" | null}, ...]}

A Swedish citizen has no permit record at Migrationsverket; neither does an EU citizen with a
right of residence (uppehållsrätt). "Nothing on file" for someone who is neither is
``SAKNAS``. Normalised: exactly one record::

    {"kind": "residence", "basis": "swedish_citizen" | "eu_right_of_residence" | "permit" | "none",
     "permits": [{"permit_type": "residence" | "permanent_residence" | "work",
                  "decision_code": "BV", "valid_from": "2025-07-01",
                  "valid_until": "2027-06-30" | None}]}

``valid_until`` is ``None`` only for a permanent residence permit. Permits are listed only with
``basis: "permit"`` (which has at least one, current or expired). Whether the person stays here
lawfully in a month is the robot's question (``check_lawful_stay``), not this plugin's.
"""

from __future__ import annotations

from typing import Any

from ..base import (
    SOCIAL_SERVICES_ACT,
    PayloadError,
    Source,
    require_date,
    require_dict,
    require_key,
    require_list,
    require_text,
)
from ..registry import register

BASES = {
    "SVENSK_MEDBORGARE": "swedish_citizen",
    "EU_UPPEHALLSRATT": "eu_right_of_residence",
    "TILLSTAND": "permit",
    "SAKNAS": "none",
}
PERMIT_TYPES = {"UT": "residence", "PUT": "permanent_residence", "AT": "work"}
#: Permits that let the person stay (a work permit alone does not).
RESIDENCE_PERMITS = ("residence", "permanent_residence")


@register
class Migrationsverket(Source):
    code = "MIV"
    label_sv = "Migrationsverket"
    # SSBTEK asks Migrationsverket under the social services' general right to information;
    # the paragraph that obliges Migrationsverket to answer is not yet checked by a jurist.
    legal_basis = SOCIAL_SERVICES_ACT
    legal_basis_status = "provisional"
    ssbtek_service = "MIV"

    def parse(self, raw: Any) -> list[dict]:
        what = "Migrationsverkets svar"
        data = require_dict(raw, what)
        status = require_key(data, "uppehallsstatus", what)
        if status not in BASES:
            raise PayloadError("uppehallsstatus har ett okänt värde")
        basis = BASES[status]
        permits = []
        for number, item in enumerate(
            require_list(data.get("tillstand", []), "tillstand"), start=1
        ):
            where = f"tillstånd {number}"
            item = require_dict(item, where)
            kind = require_text(require_key(item, "typ", where), f"{where}: typ")
            if kind not in PERMIT_TYPES:
                raise PayloadError(f"{where} har en okänd tillståndstyp")
            valid_from = require_date(require_key(item, "giltigFran", where), f"{where}: från")
            valid_until = require_date(item.get("giltigTill"), f"{where}: till", optional=True)
            if valid_until is None and kind != "PUT":
                raise PayloadError(f"{where} är tidsbegränsat men saknar slutdatum")
            if valid_until is not None and valid_until < valid_from:
                raise PayloadError(f"{where} slutar innan det börjar")
            permits.append(
                {
                    "permit_type": PERMIT_TYPES[kind],
                    "decision_code": require_text(
                        item.get("beslutskod"), f"{where}: beslutskod", optional=True
                    ),
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                }
            )
        if basis == "permit" and not permits:
            raise PayloadError("tillstånd anges men inget tillstånd finns med")
        if basis != "permit" and permits:
            raise PayloadError("tillstånd finns med fast uppehallsstatus inte är TILLSTAND")
        return [{"kind": "residence", "basis": basis, "permits": permits}]

    def to_raw(self, records: list[dict]) -> Any:
        if not records:  # nothing said: a Swedish citizen (no record at Migrationsverket)
            return {"uppehallsstatus": "SVENSK_MEDBORGARE", "tillstand": []}
        (record,) = records
        statuses = {basis: status for status, basis in BASES.items()}
        types = {permit: code for code, permit in PERMIT_TYPES.items()}
        return {
            "uppehallsstatus": statuses[record["basis"]],
            "tillstand": [
                {
                    "typ": types[permit["permit_type"]],
                    "beslutskod": permit.get("decision_code"),
                    "giltigFran": permit["valid_from"],
                    "giltigTill": permit.get("valid_until"),
                }
                for permit in record.get("permits", [])
            ],
        }
