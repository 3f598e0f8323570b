"""The month's calculation: riksnorm + reasonable costs − counted income, rounded once.

need   = Σ personal costs + common household costs + accepted reasonable costs
amount = round(max(need − counted income, 0))      (rounding: national.rounding)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .costs import claimed_costs, find_cap, reasonable_cost
from .errors import InputError
from .household import APPLICANT, CHILD, OTHER, PARTNER, HouseholdMonth, parse_household
from .income import income_lines
from .money import ZERO, add, round_final, subtract, total
from .norm import (
    age_in_month,
    check_child_age,
    common_household_costs,
    personal_costs_adults,
    personal_costs_child,
)
from .parameters import PROVISIONAL, ParameterStore, default_store
from .reform import bidragstak, large_household_limit
from .rule import SOL_NEEDS_TEST, rule
from .trace import PROVISIONAL_PARAMETER, Flag, Line, Result

ENGINE_VERSION = "1.0.0"


@rule("monthly_amount", SOL_NEEDS_TEST)
def calculate(household: HouseholdMonth, store: ParameterStore | None = None) -> Result:
    """Calculate one household's försörjningsstöd for its month, with the full trace."""
    params = (store or default_store()).resolve(household.month, household.guidelines)
    applicant = partner = None
    case_members = []
    others = children = 0
    for m in household.members:
        role = m.role
        if role == OTHER:
            others += 1
            continue
        case_members.append(m)
        if role == APPLICANT:
            applicant = m
        elif role == PARTNER:
            partner = m
        else:
            children += 1
    if applicant is None:  # parse_household refuses this; a hand-built HouseholdMonth may not
        raise InputError("members", "ingen sökande (role applicant)")

    # Riksnormen: personal costs of each member of the case, and the common costs.
    lines: list[Line] = [personal_costs_adults(applicant, partner, params)]
    if children:
        for m in case_members:
            if m.role == CHILD:
                age = age_in_month(m.born, params)
                check_child_age(m, age, params)
                lines.append(personal_costs_child(m, age, params))
    lines += common_household_costs(case_members, others, params)
    lines += large_household_limit(case_members, lines, partner is not None, params)  # 2027
    norm = total(line.amount for line in lines)

    # Skäliga kostnader, within the municipality's caps.
    flags: list[Flag] = []
    adults = 1 if partner is None else 2
    composition = household_composition(adults, children)
    costs = ZERO
    for cost_type, claimed in claimed_costs(household.costs, params).items():
        if claimed:
            cap = find_cap(cost_type, params, adults, children, len(case_members))
            line, flag = reasonable_cost(cost_type, claimed, cap, params, composition)
            lines.append(line)
            costs += line.amount
            if flag is not None:
                flags.append(flag)

    # Inkomster: what counts, after exemptions, jobbstimulans and children's income.
    income = ZERO
    if household.incomes:
        by_id = {m.id: m for m in household.members}
        exemption_used: dict[str, Decimal] = {}  # a child's prisbasbelopp used this month
        for item in household.incomes:
            for line in income_lines(item, by_id[item.member], params, exemption_used):
                lines.append(line)
                income = add(income, line.amount)

    costs = add(costs, bidragstak(norm, income, lines, params))  # from 2027; else 0
    need = add(norm, costs)
    before_rounding = subtract(need, income) if need > income else ZERO
    amount = round_final(before_rounding, params.rounding_quantum, params.rounding_mode)

    provisional = params.has_provisional and [
        line.value for line in lines if line.value is not None and line.value.status == PROVISIONAL
    ]
    if provisional:
        flags.insert(0, _provisional_flag(provisional))
    return Result(
        household,
        lines,
        flags,
        norm,
        costs,
        income,
        before_rounding,
        amount,
        bool(provisional),
        params.described_versions,
        params.rounding_description,
        ENGINE_VERSION,
    )


def calculate_json(data: Any, store: ParameterStore | None = None) -> Result:
    """Parse a household month from its JSON document and calculate it."""
    return calculate(parse_household(data), store)


def _provisional_flag(values: list) -> Flag:
    cited = []
    for value in values:
        name = f"{value.table} {value.key}"
        if name not in cited:
            cited.append(name)
    return Flag(
        PROVISIONAL_PARAMETER,
        "Beräkningen använder belopp som inte är kontrollerade mot författningstexten "
        f"({', '.join(cited)}). Beloppet kan ändras; en handläggare ska pröva ärendet.",
        {"parameters": cited},
    )


def household_composition(adults: int, children: int) -> str:
    text = "1 vuxen" if adults == 1 else "2 vuxna"
    if children == 1:
        return f"{text} och 1 barn"
    if children:
        return f"{text} och {children} barn"
    return text
