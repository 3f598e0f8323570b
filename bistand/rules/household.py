"""The input of a calculation: one household, one month.

``parse_household`` turns the JSON document described in docs/rules.md into
immutable objects, or raises ``InputError`` naming the field and the problem.
Whether a cost or income type exists is checked against the month's catalogue
when the calculation runs (the catalogue is a dated parameter too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .errors import InputError
from .money import ZERO, AmountError, decimal_str, parse_amount
from .period import Month

APPLICANT, PARTNER, CHILD, OTHER = "applicant", "partner", "child", "other"
ROLES = (APPLICANT, PARTNER, CHILD, OTHER)
ROLE_LABELS_SV = {
    APPLICANT: "sökande",
    PARTNER: "medsökande",
    CHILD: "barn",
    OTHER: "annan person i hushållet",
}
#: Roles that are part of the case (the household whose need is calculated).
CASE_ROLES = (APPLICANT, PARTNER, CHILD)

_MEMBER_FIELDS = {
    "id",
    "role",
    "born",
    "jobbstimulans",
    "lunch_away",
    "days",
    "earlier_work_income_this_year",
    "name",
}
_TOP_FIELDS = {"month", "guidelines", "members", "costs", "incomes"}
_ITEM_FIELDS = {
    "costs": {"type", "amount", "note"},
    "incomes": {"type", "member", "amount", "note"},
}


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    role: str
    born: date
    jobbstimulans: bool = False
    lunch_away: bool = False
    days: int | None = None  # days a month in the household; None = the whole month
    earlier_work_income_this_year: Decimal = ZERO  # a child's counted-free work income so far
    field: str = ""  # where the member stands in the input, for error messages

    @property
    def in_case(self) -> bool:
        return self.role != OTHER

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "role": self.role, "born": self.born.isoformat()}
        if self.jobbstimulans:
            data["jobbstimulans"] = True
        if self.lunch_away:
            data["lunch_away"] = True
        if self.days is not None:
            data["days"] = self.days
        if self.earlier_work_income_this_year:
            data["earlier_work_income_this_year"] = decimal_str(self.earlier_work_income_this_year)
        return data


@dataclass(frozen=True, slots=True)
class Cost:
    type: str
    amount: Decimal
    field: str

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "amount": decimal_str(self.amount)}


@dataclass(frozen=True, slots=True)
class Income:
    type: str
    member: str
    amount: Decimal
    field: str

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "member": self.member, "amount": decimal_str(self.amount)}


@dataclass(frozen=True, slots=True)
class HouseholdMonth:
    month: Month
    guidelines: str | None
    members: tuple[Member, ...]
    costs: tuple[Cost, ...]
    incomes: tuple[Income, ...]

    def to_json(self) -> dict[str, Any]:
        """The normalised input, as archived in the trace."""
        data: dict[str, Any] = {"month": str(self.month)}
        if self.guidelines is not None:
            data["guidelines"] = self.guidelines
        data["members"] = [m.to_json() for m in self.members]
        data["costs"] = [c.to_json() for c in self.costs]
        data["incomes"] = [i.to_json() for i in self.incomes]
        return data


def _unknown_fields(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError(
            f"{where}.{unknown[0]}" if where else unknown[0],
            f"okänt fält (tillåtna fält: {', '.join(sorted(allowed))})",
        )


def _bool(data: dict[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise InputError(f"{where}.{key}", "måste vara true eller false")
    return value


def _amount(value: object, field: str) -> Decimal:
    try:
        return parse_amount(value)
    except AmountError as exc:
        raise InputError(field, str(exc)) from None


def _member(raw: object, i: int, month: Month) -> Member:
    where = f"members[{i}]"
    if not isinstance(raw, dict):
        raise InputError(where, "varje hushållsmedlem ska vara ett objekt med id, role och born")
    _unknown_fields(raw, _MEMBER_FIELDS, where)
    member_id = raw.get("id")
    if not isinstance(member_id, str) or not member_id.strip():
        raise InputError(f"{where}.id", 'saknas; ge varje person ett id, t.ex. "a"')
    role = raw.get("role")
    if role not in ROLES:
        raise InputError(
            f"{where}.role",
            f"okänd roll {role!r}; välj applicant, partner, child eller other",
        )
    born_raw = raw.get("born")
    try:
        born = date.fromisoformat(born_raw) if isinstance(born_raw, str) else None
    except ValueError:
        born = None
    if born is None:
        raise InputError(f"{where}.born", f"ange födelsedatum som ÅÅÅÅ-MM-DD (fick {born_raw!r})")
    if born > month.last_day:
        raise InputError(f"{where}.born", f"födelsedatumet {born} ligger efter månaden {month}")

    days = raw.get("days")
    if days is not None:
        if role != CHILD:
            raise InputError(
                f"{where}.days", "dagar i hushållet anges bara för barn (umgängesbarn)"
            )
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 31:
            raise InputError(f"{where}.days", f"ange antal dagar i månaden, 1–31 (fick {days!r})")
    lunch_away = _bool(raw, "lunch_away", where)
    if lunch_away and role != CHILD:
        raise InputError(f"{where}.lunch_away", "lunch utanför hemmet anges bara för barn 0–6 år")
    jobbstimulans = _bool(raw, "jobbstimulans", where)
    if jobbstimulans and role not in (APPLICANT, PARTNER):
        raise InputError(
            f"{where}.jobbstimulans",
            "jobbstimulans gäller bara sökande och medsökande, aldrig hemmavarande barns inkomster",
        )
    earlier = ZERO
    if "earlier_work_income_this_year" in raw:
        if role != CHILD:
            raise InputError(
                f"{where}.earlier_work_income_this_year", "anges bara för hemmavarande barn"
            )
        earlier = _amount(
            raw["earlier_work_income_this_year"], f"{where}.earlier_work_income_this_year"
        )
    return Member(member_id.strip(), role, born, jobbstimulans, lunch_away, days, earlier, where)


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise InputError(key, "måste vara en lista")
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InputError(f"{key}[{i}]", "varje rad ska vara ett objekt med type och amount")
        _unknown_fields(item, _ITEM_FIELDS[key], f"{key}[{i}]")
        if not isinstance(item.get("type"), str) or not item["type"]:
            raise InputError(f"{key}[{i}].type", "saknas")
    return raw


def parse_household(data: object) -> HouseholdMonth:
    """Validate and normalise one household month; raise ``InputError`` on the first problem."""
    if not isinstance(data, dict):
        raise InputError(
            "", "indata ska vara ett JSON-objekt med month, members, costs och incomes"
        )
    _unknown_fields(data, _TOP_FIELDS, "")
    if "month" not in data:
        raise InputError("month", "saknas; ange månaden som ÅÅÅÅ-MM")
    month = Month.parse(data["month"])
    guidelines = data.get("guidelines")
    if guidelines is not None and (not isinstance(guidelines, str) or not guidelines.strip()):
        raise InputError("guidelines", 'ange kommunens riktlinjer med namn, t.ex. "exempelkommun"')

    raw_members = data.get("members")
    if not isinstance(raw_members, list) or not raw_members:
        raise InputError("members", "saknas; hushållet måste ha minst en sökande")
    members = tuple(_member(raw, i, month) for i, raw in enumerate(raw_members))
    seen: set[str] = set()
    for i, member in enumerate(members):
        if member.id in seen:
            raise InputError(f"members[{i}].id", f"id {member.id!r} finns redan i hushållet")
        seen.add(member.id)
    roles = [m.role for m in members]
    if roles.count(APPLICANT) != 1:
        raise InputError(
            "members",
            "ingen sökande (role applicant)"
            if APPLICANT not in roles
            else "bara en person kan vara sökande",
        )
    if roles.count(PARTNER) > 1:
        raise InputError("members", "bara en person kan vara medsökande (partner)")

    costs = tuple(
        Cost(item["type"], _amount(item.get("amount"), f"costs[{i}].amount"), f"costs[{i}]")
        for i, item in enumerate(_items(data, "costs"))
    )
    incomes = []
    for i, item in enumerate(_items(data, "incomes")):
        member_id = item.get("member")
        if member_id not in seen:
            raise InputError(
                f"incomes[{i}].member",
                f"{member_id!r} finns inte bland hushållets medlemmar ({', '.join(sorted(seen))})",
            )
        incomes.append(
            Income(
                item["type"],
                member_id,
                _amount(item.get("amount"), f"incomes[{i}].amount"),
                f"incomes[{i}]",
            )
        )
    return HouseholdMonth(month, guidelines, members, costs, tuple(incomes))
