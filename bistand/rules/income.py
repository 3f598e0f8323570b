"""Income: which incomes count, jobbstimulans and children's work income."""

from __future__ import annotations

from decimal import Decimal

from .errors import InputError
from .household import APPLICANT, CHILD, OTHER, PARTNER, Income, Member
from .money import ZERO
from .parameters import IncomeType, ParameterSet
from .rule import SOL_CHILD_WORK_INCOME, SOL_NEEDS_TEST, rule
from .trace import INCOME, Line


def income_type(income: Income, params: ParameterSet) -> IncomeType:
    kind = params.income_types.get(income.type)
    if kind is None:
        raise InputError(
            f"{income.field}.type",
            f"okänd inkomsttyp {income.type!r} (kända: {', '.join(params.income_types)})",
        )
    return kind


@rule("income_counted", SOL_NEEDS_TEST)
def income_lines(
    income: Income,
    member: Member,
    params: ParameterSet,
    exemption_used: dict[str, Decimal] | None = None,
) -> list[Line]:
    """One income: counted in full, exempt by the catalogue, or reduced by a special rule.

    ``exemption_used`` carries, across the month's income items, how much of each child's
    prisbasbelopp the earlier items have used (``child_work_income``).
    """
    kind = income_type(income, params)
    amount = income.amount
    if member.role == OTHER:
        return [
            Line(
                INCOME,
                income_not_in_case,
                f"{kind.label} (ingår inte i ärendet)",
                ZERO,
                member.id,
                None,
                {"received": amount},
            )
        ]
    if not kind.counted:
        line = Line(
            INCOME,
            income_exempt,
            f"{kind.label} (räknas inte)",
            ZERO,
            member.id,
            None,
            {"received": amount},
        )
        line.reference = kind.reference
        return [line]
    if kind.employment and member.role == CHILD:
        used = {} if exemption_used is None else exemption_used
        return [child_work_income(income, kind, member, params, used)]
    lines = [Line(INCOME, income_lines, kind.label, amount, member.id)]
    if kind.employment and member.jobbstimulans and member.role in (APPLICANT, PARTNER):
        lines.append(jobbstimulans(amount, member, params))
    return lines


@rule("income_exempt", SOL_NEEDS_TEST)
def income_exempt() -> None:
    """An income the catalogue (national.income_types) exempts: shown, not counted."""


@rule("income_not_in_case", SOL_NEEDS_TEST)
def income_not_in_case() -> None:
    """Income of someone who shares the household but is not part of the case: not counted."""


@rule(
    "jobbstimulans",
    "Socialtjänstlagen (2025:400), särskild beräkningsregel (jobbstimulans)",
    cites_parameter=True,
)
def jobbstimulans(net_salary: Decimal, member: Member, params: ParameterSet) -> Line:
    """25 % (a parameter) of an eligible member's net salary is not counted.

    Only on income from employment, never on benefits, and never on a child's income.
    Whether the member is eligible (six months in a row on försörjningsstöd, for two
    years) is decided by the case and given in the input.
    """
    share = params.jobbstimulans_share
    return Line(
        INCOME,
        jobbstimulans,
        f"Jobbstimulans: {share.amount * 100:.0f} % av nettolönen räknas inte",
        -(net_salary * share.amount),
        member.id,
        share,
        {"net_salary": net_salary, "share": str(share.amount)},
    )


@rule("child_work_income", SOL_CHILD_WORK_INCOME)
def child_work_income(
    income: Income,
    kind: IncomeType,
    member: Member,
    params: ParameterSet,
    exemption_used: dict[str, Decimal],
) -> Line:
    """A child's work income is not counted up to one prisbasbelopp per calendar year.

    ``earlier_work_income_this_year`` in the input is what the child has earned earlier in
    the year; only the part of this month's income above what remains of the
    prisbasbelopp counts. The exemption is one per child: this month's work incomes use
    it up in turn (``exemption_used``), so two salaries count as one of their sum.
    """
    pbb = params.price_base_amount()
    used = exemption_used.get(member.id, ZERO)
    remaining = max(pbb.amount - member.earlier_work_income_this_year - used, ZERO)
    exempt = min(income.amount, remaining)
    exemption_used[member.id] = used + exempt
    counted = income.amount - exempt
    return Line(
        INCOME,
        child_work_income,
        f"{kind.label}, hemmavarande barn (räknas över ett prisbasbelopp per år)",
        counted,
        member.id,
        pbb,
        {
            "received": income.amount,
            "earlier_this_year": member.earlier_work_income_this_year,
            **({"exempt_used_this_month": used} if used else {}),
            "exempt_remaining": remaining,
        },
    )
