"""Arbetsförmedlingen: is the person registered as a job seeker, since when, in which programme.

Raw payload (one object)::

    {"arbetssokande": true, "registrerad": "2024-11-18",
     "program": "Jobb- och utvecklingsgarantin" | null, "planeringAktiv": true}

Normalised: exactly one record::

    {"kind": "registration", "registered": true, "registered_since": "2024-11-18",
     "programme": "Jobb- och utvecklingsgarantin" | null, "planning_active": true}

"Not registered" is an answer (``registered: false``), not an empty list.
"""

from __future__ import annotations

from typing import Any

from ..base import (
    REGULATION_2008_975,
    PayloadError,
    Source,
    require_bool,
    require_date,
    require_dict,
    require_key,
    require_text,
)
from ..registry import register


@register
class Arbetsformedlingen(Source):
    code = "AF"
    label_sv = "Arbetsförmedlingen"
    legal_basis = f"5 § {REGULATION_2008_975}"
    ssbtek_service = "AF"

    def parse(self, raw: Any) -> list[dict]:
        data = require_dict(raw, "Arbetsförmedlingens svar")
        what = "Arbetsförmedlingens svar"
        registered = require_bool(require_key(data, "arbetssokande", what), "arbetssokande")
        since = require_date(data.get("registrerad"), "registrerad", optional=True)
        if registered and since is None:
            raise PayloadError("inskriven som arbetssökande men utan inskrivningsdatum")
        programme = require_text(data.get("program"), "program", optional=True)
        planning = require_bool(data.get("planeringAktiv", False), "planeringAktiv")
        return [
            {
                "kind": "registration",
                "registered": registered,
                "registered_since": since,
                "programme": programme,
                "planning_active": planning,
            }
        ]

    def to_raw(self, records: list[dict]) -> Any:
        if not records:
            return {
                "arbetssokande": False,
                "registrerad": None,
                "program": None,
                "planeringAktiv": False,
            }
        (record,) = records
        return {
            "arbetssokande": record["registered"],
            "registrerad": record.get("registered_since"),
            "program": record.get("programme"),
            "planeringAktiv": record.get("planning_active", False),
        }
