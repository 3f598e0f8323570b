"""Reasonable costs beyond the riksnorm (skäliga kostnader), within local caps."""

from __future__ import annotations

from decimal import Decimal

from .errors import InputError
from .household import Cost
from .money import format_kr
from .parameters import CapRow, ParameterSet, Value
from .rule import SOL_REASONABLE_COSTS, rule
from .trace import COST_ABOVE_CAP, COSTS, Flag, Line


def claimed_costs(costs: tuple[Cost, ...], params: ParameterSet) -> dict[str, Decimal]:
    """Claimed amount per cost type, in order of first appearance; unknown types are errors."""
    claimed: dict[str, Decimal] = {}
    labels = params.cost_labels
    for cost in costs:
        kind = cost.type
        if kind not in labels:
            raise InputError(
                f"{cost.field}.type",
                f"okänd kostnadstyp {kind!r} (kända: {', '.join(labels)})",
            )
        claimed[kind] = claimed[kind] + cost.amount if kind in claimed else cost.amount
    return claimed


def find_cap(
    cost_type: str, params: ParameterSet, adults: int, children: int, persons: int
) -> Value | None:
    """The local cap for a cost type and this household's composition, if the guidelines set one."""
    guidelines = params.guidelines
    if guidelines is None:
        return None
    key = (cost_type, adults, children, persons)
    cache = guidelines.cap_cache
    if key not in cache:
        rows: tuple[CapRow, ...] = (
            guidelines.rent_caps if cost_type == "rent" else guidelines.cost_caps.get(cost_type, ())
        )
        cache[key] = next(
            (row.value for row in rows if row.matches(adults, children, persons)), None
        )
    return cache[key]


@rule("reasonable_cost", SOL_REASONABLE_COSTS)
def reasonable_cost(
    cost_type: str, claimed: Decimal, cap: Value | None, params: ParameterSet, composition: str
) -> tuple[Line, Flag | None]:
    """A claimed cost is accepted in full, or at the local cap when it is above the cap.

    Above the cap the calculation carries a flag with both figures: whether there are
    reasons to accept more (rådrum to find cheaper housing, special needs) is for a
    person to judge.
    """
    label = params.cost_labels[cost_type]
    if cap is None or claimed <= cap.amount:
        return Line(COSTS, reasonable_cost, label, claimed, None, cap), None
    line = Line(
        COSTS,
        reasonable_cost,
        f"{label} (godtagen upp till kommunens riktlinje)",
        cap.amount,
        None,
        cap,
        {"claimed": claimed, "cap": cap.amount, "not_accepted": claimed - cap.amount},
    )
    flag = Flag(
        COST_ABOVE_CAP,
        _above_cap_message,
        {
            "cost_type": cost_type,
            "label": label,
            "claimed": claimed,
            "cap": cap.amount,
            "household": composition,
            "reference": cap.reference,
        },
    )
    return line, flag


def _above_cap_message(evidence: dict) -> str:
    return (
        f"{evidence['label']} {format_kr(evidence['claimed'])} är mer än kommunens riktlinje "
        f"{format_kr(evidence['cap'])} för {evidence['household']}. Beräkningen godtar "
        f"{format_kr(evidence['cap'])}; pröva om det finns skäl att godta mer."
    )
