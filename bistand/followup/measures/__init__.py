"""The follow-up's measures: plain functions ``measure(scope) -> Table`` (docs/followup.md).

Process measures (leadtime, automation, states, flags, stickprov, completion) read the
applications, their state log, proposals, decisions and stickprov; outcomes read the periods of
assistance and exit reasons of bistand/outcomes. ``TABLES`` names every table, for the CSV
download and the API.
"""

from __future__ import annotations

from . import automation, completion, flags, leadtime, outcomes, states, stickprov
from .base import Scope, Table

TABLES = {
    "handlaggningstid": leadtime.by_route,
    "handlaggningstid-per-manad": leadtime.by_month,
    "automatiseringsgrad": automation.automation,
    "digitala-ansokningar": automation.digital,
    "tid-per-status": states.time_in_states,
    "flaggor": flags.flags,
    "stickprov-utfall": stickprov.outcomes,
    "stickprov-felandel": stickprov.error_rate,
    "komplettering": completion.completion,
    "utfall-per-kohort": outcomes.cohorts,
    "utfall-per-grupp": outcomes.breakdown,
    "avslutsorsaker": outcomes.reasons,
    "langvarigt-bistand": outcomes.long_term,
}

__all__ = ["TABLES", "Scope", "Table"]
