"""Riksnormen: personal costs per person and the household's common costs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .errors import InputError, MissingParameterError
from .household import CHILD, Member
from .money import Exact, share
from .parameters import ParameterSet, Value, band_text
from .rule import (
    SOF_LARGE_HOUSEHOLD,
    SOF_RIKSNORM,
    SOF_SHARED_HOUSEHOLD,
    SOSFS_PART_TIME,
    rule,
)
from .trace import NORM, Line

#: The oldest age at which a child (hemmavarande barn) is part of the parents' household.
OLDEST_CHILD_AGE = 20


@rule("age_in_month", f"{SOF_RIKSNORM} (åldersband); tidpunkt enligt parametern national.age_rule")
def age_in_month(born: date, params: ParameterSet) -> int:
    """Age in whole years on the day the age rule names (first or last day of the month).

    A child born during the month is 0 years old for that month.
    """
    day = params.age_day
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return age if age > 0 else 0


def part_time(member: Member, params: ParameterSet) -> bool:
    """Whether a child lives in the household only part of the month.

    ``days`` equal to (or above) the divisor is a whole month, exactly as no ``days``.
    """
    return member.days is not None and member.days < params.days_divisor.amount


def for_days(amount: Exact, member: Member, params: ParameterSet) -> Exact:
    """amount × days / divisor, exactly: kept as a fraction if it does not terminate."""
    return share(amount, member.days or 0, params.days_divisor.amount)


@rule("personal_costs_child", SOF_RIKSNORM, cites_parameter=True)
def personal_costs_child(member: Member, age: int, params: ParameterSet) -> Line:
    """A child's personal costs by age band; the lower amount when lunch is eaten away (0–6 år).

    A child living part of the month in the household gets days / divisor of the amount
    (rule ``part_time_child``).
    """
    band = params.children_by_age[age]
    value, label = band.full, band.label
    if member.lunch_away:
        if band.without_lunch is not None:
            value, label = band.without_lunch, band.label_without_lunch
        elif band.highest_age <= 6:
            raise MissingParameterError(
                f"Det finns inget belopp i riksnorm.children (Riksnormen, personliga kostnader "
                f"för barn och unga) för {params.month}: tabellen saknar beloppet utan lunch "
                f"(lunch utanför hemmet fem dagar i veckan) för "
                f"{band_text(band.lowest_age, band.highest_age)}, som {member.field} behöver. "
                "Lägg in beloppet (se docs/rules.md); det räknas aldrig fram ur ett annat belopp."
            )
    if not part_time(member, params):
        return Line(NORM, personal_costs_child, label, value.amount, member.id, value, {"age": age})
    return Line(
        NORM,
        part_time_child,
        f"{label}, {member.days} av {params.days_divisor.amount} dagar",
        for_days(value.amount, member, params),
        member.id,
        value,
        {
            "age": age,
            "full_amount": value.amount,
            "days": member.days,
            "days_divisor": params.days_divisor.amount,
        },
    )


@rule("part_time_child", SOSFS_PART_TIME)
def part_time_child() -> None:
    """Children who live in the household part of the month (umgängesbarn, växelvis boende).

    Their personal costs, and what they add to the common household costs, count as
    days / divisor (parameter national.part_time_children). Applied inside
    ``personal_costs_child`` and ``common_household_costs``; listed here so the rule has
    one name and one reference in every trace.
    """


@rule("personal_costs_adults", SOF_RIKSNORM, cites_parameter=True)
def personal_costs_adults(applicant: Member, partner: Member | None, params: ParameterSet) -> Line:
    """Sambor (makar, registrerade partner) get the couple amount together; else ensamstående."""
    if partner is None:
        value = params.adult_single
        return Line(
            NORM,
            personal_costs_adults,
            "Personliga kostnader, ensamstående vuxen",
            value.amount,
            applicant.id,
            value,
        )
    value = params.adult_couple
    return Line(
        NORM,
        personal_costs_adults,
        "Personliga kostnader, sambor/makar tillsammans",
        value.amount,
        f"{applicant.id}+{partner.id}",
        value,
    )


@rule("common_costs_for_size", SOF_LARGE_HOUSEHOLD)
def common_costs_for_size(persons: int, params: ParameterSet) -> tuple[Decimal, Value, int]:
    """Common costs for a household of ``persons``: the table up to 7, then a step per person.

    The step is the version's ``each_person_above_table`` where the table states it (2026:
    190 kr), otherwise the difference between the amounts for 7 and 6 persons, as
    SoF 12 kap. 3 § första stycket says. Returns the amount, the table value it starts
    from and the number of persons above 7.
    """
    table = params.common_costs
    largest = params.common_costs_largest
    if persons <= largest:
        value = table[persons]
        return value.amount, value, 0
    extra = persons - largest
    return table[largest].amount + extra * common_costs_step(params), table[largest], extra


def common_costs_step(params: ParameterSet) -> Decimal:
    """What each person above the table's largest household adds to the common costs."""
    stated = stated_step(params)
    if stated is not None:
        return stated.amount
    table, largest = params.common_costs, params.common_costs_largest
    return table[largest].amount - table[largest - 1].amount


def stated_step(params: ParameterSet) -> Value | None:
    """The step as the common-costs version states it (``each_person_above_table``), if it does."""
    for version in params.versions:
        if version.table == "riksnorm.common_household_costs":
            row = version.data.get("each_person_above_table")
            if row is None:
                return None
            amount = row.get("amount") if isinstance(row, dict) else row
            return Value(
                amount=Decimal(str(amount)),
                table=version.table,
                key="each_person_above_table",
                valid_from=version.valid_from.isoformat(),
                status=row.get("status", version.status)
                if isinstance(row, dict)
                else version.status,
                reference=version.reference,
            )
    return None


@rule("common_household_costs", SOF_RIKSNORM, cites_parameter=True)
def common_household_costs(
    case_members: list[Member], others: int, params: ParameterSet
) -> list[Line]:
    """The case's common household costs.

    * Everyone who lives in the household all month (the case's members and others who
      share the household) sets the household size.
    * If others share the household without being part of the case, the case gets the
      common costs ÷ household size for each of its members (``shared_household``).
    * Each child living part of the month adds the difference its membership makes,
      × days / divisor (``part_time_child``).
    """
    divisor = params.days_divisor.amount
    part_time_children = [m for m in case_members if m.days is not None and m.days < divisor]
    full = len(case_members) - len(part_time_children)
    size = full + others  # the applicant lives in the household all month, so size >= 1
    amount, value, extra = common_costs_for_size(size, params)
    detail: dict[str, object] = {"persons": size}
    if extra:
        detail["persons_above_table"] = extra
        detail["table_amount"] = value.amount
        detail["each_person_above_table"] = common_costs_step(params)
    if others:
        lines = [shared_household(amount, value, full, size, detail)]
    else:
        label = f"Gemensamma hushållskostnader, {_persons(size)}"
        rule_used = common_costs_for_size if extra else common_household_costs
        lines = [Line(NORM, rule_used, label, amount, None, value, detail)]
    if not part_time_children:
        return lines
    part_time_children.sort(key=lambda m: m.id)
    for i, child in enumerate(part_time_children, start=1):
        before, _, _ = common_costs_for_size(size + i - 1, params)
        after, value, _ = common_costs_for_size(size + i, params)
        lines.append(
            Line(
                NORM,
                part_time_child,
                f"Gemensamma hushållskostnader, tillskott för umgängesbarn, "
                f"{child.days} av {params.days_divisor.amount} dagar",
                for_days(after - before, child, params),
                child.id,
                value,
                {
                    "persons_before": size + i - 1,
                    "amount_before": before,
                    "persons_after": size + i,
                    "amount_after": after,
                    "days": child.days,
                    "days_divisor": params.days_divisor.amount,
                },
            )
        )
    return lines


@rule("shared_household", SOF_SHARED_HOUSEHOLD)
def shared_household(
    amount: Decimal, value: Value, members: int, size: int, detail: dict[str, object]
) -> Line:
    """Others share the household without being part of the case: the case gets its share.

    SoF 12 kap. 3 § andra stycket: an adult who is not sambo but shares a household gets
    the common costs divided by the number of household members; a case with several
    members gets that share for each of them.
    """
    detail.update(household_amount=amount, case_members=members)
    return Line(
        NORM,
        shared_household,
        f"Gemensamma hushållskostnader, andel {members}/{size} av hushållets {_persons(size)}",
        share(amount, members, size),
        None,
        value,
        detail,
    )


def check_child_age(member: Member, age: int, params: ParameterSet) -> None:
    if member.role == CHILD and age > OLDEST_CHILD_AGE:
        raise InputError(
            f"{member.field}.born",
            f"barnet är {age} år i {params.month}; hemmavarande barn är under 21 år. "
            "En äldre person i hushållet anges med rollen other (eller som egen sökande).",
        )


def _persons(n: int) -> str:
    return "1 person" if n == 1 else f"{n} personer"
