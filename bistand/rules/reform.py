"""The 2027 reform (bidragstak, prop. 2025/26:201): the large-household limit and the ceiling.

Both apply only when the month has a version of their table (``riksnorm.large_household_limit``,
``riksnorm.ceiling``); before 2027 the tables are not required and these rules add nothing.
Everything the law's text may still settle differently is a parameter of the table, not a
literal here (docs/rules.md section 7 lists the assumptions):

* which children count as the 1st, 2nd … (``count_order``; equal birth dates by member id),
  whether part-time children count (``count_part_time``), and from which child the limit
  applies (``from_child``);
* the reduction for single parents and for couples, and the phase-in during 2027;
* what the ceiling is (``norm_factor`` × the household's riksnorm, plus the accepted costs of
  the types in ``costs_outside_ceiling``) and what it limits (``need`` or the paid ``amount``).

The reduction is applied to the child's personal costs as the riksnorm lines computed them
(for a part-time child: its days' share); the common household costs are not reduced.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .household import CHILD, Member
from .money import format_kr
from .parameters import ParameterSet
from .rule import rule
from .trace import COSTS, NORM, Line

REFORM_2027 = (
    "Socialtjänstlagen (2025:400) och socialtjänstförordningen (2025:468) i lydelse från "
    "2027-01-01 (prop. 2025/26:201); paragraf enligt parameterversionen"
)
_CHILD_RULES = ("personal_costs_child", "part_time_child")


@rule("large_household_limit", REFORM_2027, cites_parameter=True)
def large_household_limit(
    case_members: list[Member], lines: list[Line], couple: bool, params: ParameterSet
) -> list[Line]:
    """From the ``from_child``-th child on, the child's personal costs are reduced by the
    month's share (reduction for single parents or couples × the phase-in share)."""
    limit = params.large_household
    if limit is None:
        return []
    value = limit.couple if couple else limit.single
    share = value.amount * limit.phase_in_share
    if share == 0:
        return []
    children = [
        m for m in case_members if m.role == CHILD and (limit.count_part_time or m.days is None)
    ]
    if len(children) < limit.from_child:
        return []
    children.sort(key=lambda m: (m.born, m.id), reverse=limit.count_order == "youngest_first")
    personal = {
        line.member: line
        for line in lines
        if line.section == NORM and line.rule.rule_id in _CHILD_RULES and line.member
    }
    out = []
    for place, child in enumerate(children[limit.from_child - 1 :], start=limit.from_child):
        line = personal.get(child.id)
        if line is None:
            continue
        out.append(
            Line(
                NORM,
                large_household_limit,
                f"Begränsning för stora hushåll, barn nummer {place}",
                _exact(-Fraction(line.amount) * Fraction(share)),
                child.id,
                value,
                {
                    "child_number": place,
                    "child_amount": line.amount,
                    "reduction": value.amount,
                    "phase_in_share": limit.phase_in_share,
                    "household": "sambor" if couple else "ensamstående",
                },
            )
        )
    return out


@rule("bidragstak", REFORM_2027, cites_parameter=True)
def bidragstak(norm: Decimal, income: Decimal, lines: list[Line], params: ParameterSet) -> Decimal:
    """The riksnorm as a ceiling on what may be granted.

    ceiling = norm_factor × riksnorm + accepted costs of the types outside the ceiling. What
    is above it (the need, or the amount after income, as the parameter ``limits`` says) is
    taken off by one line in the costs section, appended to ``lines``; returns its amount
    (0 or negative) for the caller to add to the costs.
    """
    ceiling = params.ceiling
    if ceiling is None:
        return Decimal(0)
    labels = {
        params.cost_labels[t]: t for t in ceiling.costs_outside_ceiling if t in params.cost_labels
    }
    costs = outside = Fraction(0)
    for line in lines:
        if line.section == COSTS:
            costs += Fraction(line.amount)
            if _cost_type(line.label, labels) is not None:
                outside += Fraction(line.amount)
    limit = Fraction(ceiling.norm_factor.amount) * Fraction(norm) + outside
    need = Fraction(norm) + costs
    capped = need if ceiling.limits == "need" else max(need - Fraction(income), Fraction(0))
    if capped <= limit:
        return Decimal(0)
    reduction = _exact(limit - capped)
    lines.append(
        Line(
            COSTS,
            bidragstak,
            f"Begränsning till bidragstaket {format_kr(_exact(limit))}",
            reduction,
            None,
            ceiling.norm_factor,
            {
                "ceiling": _exact(limit),
                "norm": norm,
                "norm_factor": ceiling.norm_factor.amount,
                "costs_outside_ceiling": _exact(outside),
                "limits": "behovet" if ceiling.limits == "need" else "beloppet efter inkomster",
                "above_ceiling": _exact(capped - limit),
            },
        )
    )
    return reduction


def _cost_type(label: str, labels: dict[str, str]) -> str | None:
    """The cost type of a reasonable-cost line, by its label (with or without the cap note)."""
    found = labels.get(label)
    if found is None and " (" in label:
        found = labels.get(label.split(" (", 1)[0])
    return found


def _exact(value: Fraction) -> Decimal | Fraction:
    """A Decimal when the fraction terminates (the usual case), else the fraction itself, so
    that the one rounding at the end is exact (as the rest of the engine keeps amounts)."""
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    if denominator != 1:
        return value
    digits = max(twos, fives)
    return Decimal(value.numerator * 10**digits // value.denominator).scaleb(-digits)
