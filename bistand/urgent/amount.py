"""The proposed amount for an urgent need: a share of the riksnorm for the days needed.

Pure Python on the rules engine (no Django): the household's riksnorm for the month comes from
the rules engine's own norm functions (``personal_costs_adults``, ``personal_costs_child``,
``common_household_costs``), then

    amount = round(riksnorm for the month × share × days / days divisor)

with ``share``, ``days divisor`` and ``max_days`` from the dated parameter
``national.urgent_need`` (a local guideline, status provisional) and the one rounding point of
``national.rounding``. Every step is a line of the trace, each citing its parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from bistand.rules.household import APPLICANT, CHILD, OTHER, PARTNER, Member
from bistand.rules.money import decimal_str, round_final, share, to_ore, total
from bistand.rules.norm import (
    age_in_month,
    common_household_costs,
    personal_costs_adults,
    personal_costs_child,
)
from bistand.rules.parameters import ParameterStore, Version, default_store
from bistand.rules.period import Month

PARAMETER = "national.urgent_need"
RULE_REFERENCE = "4 kap. 1 § socialtjänstlagen (2025:400); lokal riktlinje om akut hjälp"


@dataclass(frozen=True)
class UrgentParameters:
    share: Decimal
    days_divisor: int
    max_days: int
    closing_time: time
    decide_by: time
    version: Version

    def cite(self, key: str) -> dict[str, Any]:
        value = self.version.data["values"][key]
        return {
            "id": PARAMETER,
            "key": key,
            "amount": str(value),
            "valid_from": self.version.valid_from.isoformat(),
            "status": self.version.status,
            "reference": self.version.reference,
            "source": "lokal riktlinje",
        }


def parameters(day: date, store: ParameterStore | None = None) -> UrgentParameters:
    """The version of ``national.urgent_need`` in force in ``day``'s month (an error naming
    the table when none is)."""
    version = (store or default_store()).table(PARAMETER).version_for(Month(day.year, day.month))
    values = version.data["values"]
    return UrgentParameters(
        share=Decimal(str(values["share_of_riksnorm"])),
        days_divisor=int(values["days_divisor"]),
        max_days=int(values["max_days"]),
        closing_time=_clock(values["closing_time"]),
        decide_by=_clock(values["decide_by"]),
        version=version,
    )


@dataclass(frozen=True)
class Person:
    """A member of the household as the calculation needs it (no personnummer)."""

    id: str
    role: str  # applicant, partner, child, other
    born: date
    days: int | None = None


@dataclass
class Proposal:
    amount: Decimal
    lines: list[dict[str, Any]] = field(default_factory=list)
    parameters: list[dict[str, Any]] = field(default_factory=list)

    @property
    def amount_ore(self) -> int:
        return to_ore(self.amount)

    def trace(self) -> dict[str, Any]:
        return {
            "schema": "bistand.urgent.proposal",
            "version": 1,
            "lines": self.lines,
            "parameters": self.parameters,
            "amount": decimal_str(self.amount),
        }


def propose(
    persons: list[Person], days: int, on: date, store: ParameterStore | None = None
) -> Proposal:
    """The proposal for ``days`` days from ``on``, line by line."""
    store = store or default_store()
    month = Month(on.year, on.month)
    params = store.resolve(month)
    urgent = parameters(on, store)
    if not 1 <= days <= urgent.max_days:
        raise ValueError(f"days must be 1–{urgent.max_days}")
    members = [Member(p.id, p.role, p.born, days=p.days) for p in persons]
    applicant = next(m for m in members if m.role == APPLICANT)
    partner = next((m for m in members if m.role == PARTNER), None)
    case_members = [m for m in members if m.role != OTHER]
    others = len(members) - len(case_members)
    norm_lines = [personal_costs_adults(applicant, partner, params)]
    for member in case_members:
        if member.role == CHILD:
            norm_lines.append(
                personal_costs_child(member, age_in_month(member.born, params), params)
            )
    norm_lines += common_household_costs(case_members, others, params)
    lines = [line.to_json() for line in norm_lines]
    norm = total(line.amount for line in norm_lines)
    lines.append(
        {
            "rule": "urgent_norm_month",
            "label": "Riksnormen för hushållet, hel månad",
            "amount": decimal_str(norm),
            "reference": "summan av riksnormens rader ovan",
        }
    )
    shared = share(norm, urgent.share, 1)
    lines.append(
        {
            "rule": "urgent_share",
            "label": f"Andel av riksnormen vid akut hjälp: {_sv(urgent.share)}",
            "amount": decimal_str(shared),
            "reference": RULE_REFERENCE,
            "parameter": urgent.cite("share_of_riksnorm"),
        }
    )
    for_days = share(shared, days, urgent.days_divisor)
    lines.append(
        {
            "rule": "urgent_days",
            "label": f"För {days} {'dag' if days == 1 else 'dagar'} av {urgent.days_divisor}",
            "amount": decimal_str(for_days),
            "reference": RULE_REFERENCE,
            "parameter": urgent.cite("days_divisor"),
            "detail": {"days": days, "days_divisor": urgent.days_divisor},
        }
    )
    amount = round_final(for_days, params.rounding_quantum, params.rounding_mode)
    lines.append(
        {
            "rule": "urgent_rounding",
            "label": "Föreslaget belopp, avrundat",
            "amount": decimal_str(amount),
            "reference": params.rounding.reference,
            "parameter": params.rounding.cite(),
        }
    )
    used = [v for v in params.described_versions if v["id"].startswith(("riksnorm.", "national."))]
    return Proposal(amount, lines, [*used, urgent.version.describe()])


def _clock(raw: object) -> time:
    hours, minutes = (int(part) for part in str(raw).split(":"))
    return time(hours, minutes)


def _sv(number: Decimal) -> str:
    return str(number).replace(".", ",")
