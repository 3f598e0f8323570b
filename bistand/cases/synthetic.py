"""A synthetic municipality for demos, tests and benchmarks (``bistand seed``).

Everything is derived from a seed, so the same seed gives the same households,
personnummer, applications and register data. The personnummer have a valid
format and check digit, with serial numbers 980–999; they are made up and must
never be used for anything but test data.

Some households carry a planted discrepancy (an income that differs from the
register, an undeclared benefit, a vehicle, a register that does not answer,
a changed household or rent, a need beyond the norm, a rent above the cap), so
the robot's flags can be seen at work; the rest are clean återansökningar.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bistand.rules.period import Month

GIVEN = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Fatima",
    "Mohammed",
    "Sara",
    "Johan",
    "Amina",
    "Ali",
    "Elin",
    "Karl",
    "Leila",
    "Hassan",
    "Emma",
    "Oskar",
    "Noor",
    "Ahmed",
    "Ida",
    "Nils",
]
FAMILY = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Hussein",
    "Ali",
    "Mohammed",
    "Berg",
    "Lind",
]

#: Planted discrepancies and how often each occurs (the rest of the households are clean).
PLANTS = (
    ("income_differs", 0.05),
    ("undeclared_income", 0.04),
    ("vehicle", 0.03),
    ("not_registered_af", 0.03),
    ("register_down", 0.03),
    ("household_change", 0.03),
    ("rent_changed", 0.03),
    ("other_needs", 0.02),
    ("rent_above_cap", 0.03),
)

ADULT_INCOMES = (
    ("salary", 0.2, 2000, 9000),
    ("unemployment_benefit", 0.25, 4000, 11000),
    ("sickness_benefit", 0.15, 3000, 9000),
    ("activity_support", 0.15, 3000, 7000),
    ("parental_benefit", 0.05, 3000, 8000),
)
#: Where each income type is reported (source code), as the simulator's registers hold them.
INCOME_SOURCE = {
    "salary": "SKV",
    "unemployment_benefit": "AKASSA",
    "study_grant": "CSN",
    "pension": "PM",
}
RENT_CAP = {0: 6100, 1: 6800, 2: 8000, 3: 8700, 4: 9300}  # Exempelkommun 2025, 2 adults


def luhn_digit(digits: str) -> int:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def make_personnummer(born: date, serial: int) -> str:
    """A valid-format personnummer (12 digits) with a serial in the test range 980–999."""
    short = f"{born:%y%m%d}{serial:03d}"
    return f"{born:%Y%m%d}{serial:03d}{luhn_digit(short)}"


@dataclass
class SyntheticHousehold:
    members: list[dict[str, Any]]
    declared: dict[str, Any]
    previous: dict[str, Any]
    register: dict[str, dict[str, list[dict]]]  # personnummer → source → normalised records
    faults: list[dict[str, Any]] = field(default_factory=list)
    planted: str = ""

    @property
    def applicant(self) -> dict[str, Any]:
        return self.members[0]


def _money(value: float | int | Decimal) -> str:
    return f"{Decimal(value):.2f}"


def salary_record(net: str, paid_on: str, employer: str = "Exempelbolaget AB") -> dict[str, str]:
    """Skatteverket's view of a salary (AGI): gross and tax withheld; net is the difference."""
    amount = Decimal(net)
    gross = (amount / Decimal("0.7")).quantize(Decimal("0.01"))
    return {
        "kind": "payment",
        "income_type": "salary",
        "amount": _money(amount),
        "gross": _money(gross),
        "tax": _money(gross - amount),
        "employer": employer,
        "paid_on": paid_on,
    }


class _People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def person(self, born: date, family: str, role: str) -> dict[str, Any]:
        for serial in self.rng.sample(range(980, 1000), 20):
            number = make_personnummer(born, serial)
            if number not in self.used:
                self.used.add(number)
                return {
                    "personnummer": number,
                    "role": role,
                    "given_name": self.rng.choice(GIVEN),
                    "family_name": family,
                }
        return self.person(date(born.year, born.month, min(born.day + 1, 28)), family, role)


def _born(rng: random.Random, month: Month, low: int, high: int) -> date:
    age = rng.randint(low, high)
    return date(month.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))


def households(n: int, month: Month, seed: int = 1) -> list[SyntheticHousehold]:
    rng = random.Random(f"bistand-seed-{seed}")  # noqa: S311 - synthetic test data
    people = _People(rng)
    result = []
    for _ in range(n):
        result.append(_household(rng, people, month))
    _residence(result, month, seed)
    return result


#: Which household's adults have a residence permit that ended the month before (one a seed).
EXPIRED_PERMIT_HOUSEHOLD = 3
PERMIT_SHARE = 0.1


def _residence(result: list[SyntheticHousehold], month: Month, seed: int) -> None:
    """Migrationsverket's records: most adults are Swedish citizens (no record); the second of
    every five households and about 10 % of the others hold residence permits valid one to
    three years past the month; the fourth household's permits ended on the last day of the
    month before (RESIDENCE_PERMIT_EXPIRED from 2027). Drawn from a generator of its own, so
    that every other draw stays as it was."""
    rng = random.Random(f"bistand-residence-{seed}")  # noqa: S311 - synthetic test data
    first = month.first_day
    for index, household in enumerate(result):
        roll = rng.random()
        years = rng.randint(1, 3)
        if index == EXPIRED_PERMIT_HOUSEHOLD:
            until = first - timedelta(days=1)
        elif index % 5 == 1 or roll < PERMIT_SHARE:
            until = first.replace(year=first.year + years) - timedelta(days=1)
        else:
            continue
        permit = {
            "permit_type": "residence",
            "decision_code": "BV",
            "valid_from": (until + timedelta(days=1)).replace(year=until.year - 2).isoformat(),
            "valid_until": until.isoformat(),
        }
        for sources in household.register.values():
            sources["MIV"] = [{"kind": "residence", "basis": "permit", "permits": [dict(permit)]}]


def _household(rng: random.Random, people: _People, month: Month) -> SyntheticHousehold:
    family = rng.choice(FAMILY)
    shape = rng.random()
    members = [people.person(_born(rng, month, 19, 64), family, "applicant")]
    if 0.55 <= shape < 0.8:
        members.append(people.person(_born(rng, month, 19, 64), family, "partner"))
    if shape >= 0.4 and shape < 0.95:
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            child = people.person(_born(rng, month, 0, 17), family, "child")
            if rng.random() < 0.1:
                child["days"] = rng.choice((10, 15))
            elif rng.random() < 0.3:
                child["lunch_away"] = True
            members.append(child)
    if shape >= 0.95:  # an adult living with a parent
        members.append(people.person(_born(rng, month, 50, 75), family, "other"))
    adults = [m for m in members if m["role"] in ("applicant", "partner")]
    children = [m for m in members if m["role"] == "child"]

    incomes = []
    for adult in adults:
        for kind, share, low, high in ADULT_INCOMES:
            if rng.random() < share:
                incomes.append(
                    {
                        "personnummer": adult["personnummer"],
                        "type": kind,
                        "amount": _money(rng.randrange(low, high, 10)),
                    }
                )
                break
    if children:
        incomes.append(
            {
                "personnummer": members[0]["personnummer"],
                "type": "child_allowance",
                "amount": _money(1250 * len(children)),
            }
        )
    cap = RENT_CAP[min(len(children), 4)] - (1100 if len(adults) == 1 and not children else 0)
    rent = rng.randrange(int(cap * 0.6), cap, 10)
    costs = [
        {"type": "rent", "amount": _money(rent)},
        {"type": "electricity", "amount": _money(rng.randrange(150, 400, 10))},
        {"type": "home_insurance", "amount": _money(rng.randrange(90, 240, 10))},
    ]
    declared = {
        "members": [
            {k: m[k] for k in ("personnummer", "role", "days", "lunch_away") if k in m}
            for m in members
        ],
        "housing": {"type": "rent", "rooms": 1 + len(children) // 2 + (len(adults) > 1)},
        "costs": costs,
        "incomes": incomes,
        "assets": [],
        "other_needs": [],
        "changes": "",
        "planning": {"af_registered": True},
    }
    previous = {**declared, "members": list(declared["members"]), "costs": [dict(c) for c in costs]}
    register = _register(rng, members, incomes, month)
    household = SyntheticHousehold(members, declared, previous, register)
    _plant(rng, household, month)
    return household


def _register(rng: random.Random, members: list[dict], incomes: list[dict], month: Month) -> dict:
    paid_on = date(month.year, month.month, 25).isoformat()
    address = f"adr-{rng.getrandbits(48):012x}"
    registered_here = [m["personnummer"] for m in members if not m.get("days")]
    register: dict[str, dict[str, list[dict]]] = {}
    for adult in (m for m in members if m["role"] in ("applicant", "partner")):
        sources: dict[str, list[dict]] = {
            # MIV's [] is a Swedish citizen (no record at Migrationsverket); see _residence
            code: []
            for code in ("AF", "FK", "CSN", "SKV", "AKASSA", "TS", "PM", "MIV")
        }
        sources["AF"] = [
            {
                "kind": "registration",
                "registered": True,
                "registered_since": f"{month.year - 1}-0{rng.randint(1, 9)}-01",
                "programme": None,
                "planning_active": True,
            }
        ]
        sources["SKV"] = [
            {"kind": "population_register", "address_key": address, "persons": registered_here}
        ]
        register[adult["personnummer"]] = sources
    for income in incomes:
        source = INCOME_SOURCE.get(income["type"], "FK")
        if income["type"] == "salary":
            record = salary_record(income["amount"], paid_on)
        else:
            record = {
                "kind": "payment",
                "income_type": income["type"],
                "amount": income["amount"],
                "paid_on": paid_on,
            }
        register[income["personnummer"]][source].append(record)
    return register


def _plant(rng: random.Random, household: SyntheticHousehold, month: Month) -> None:
    roll = rng.random()
    name = ""
    for plant, share in PLANTS:
        if roll < share:
            name = plant
            break
        roll -= share
    if not name:
        return
    household.planted = name
    applicant = household.applicant["personnummer"]
    register = household.register[applicant]
    declared = household.declared
    if name == "income_differs":
        paid = [r for records in register.values() for r in records if r.get("kind") == "payment"]
        if not paid:
            declared["incomes"].append(
                {"personnummer": applicant, "type": "salary", "amount": "3000.00"}
            )
            register["SKV"].append(salary_record("3000.00", f"{month}-25"))
            paid = [register["SKV"][-1]]
        more = _money((Decimal(paid[0]["amount"]) * Decimal("1.4")).quantize(Decimal(1)))
        if paid[0]["income_type"] == "salary":
            paid[0].update(salary_record(more, paid[0]["paid_on"]))
        else:
            paid[0]["amount"] = more
    elif name == "undeclared_income":
        register["FK"].append(
            {
                "kind": "payment",
                "income_type": "sickness_benefit",
                "amount": "3200.00",
                "paid_on": f"{month}-20",
            }
        )
    elif name == "vehicle":
        register["TS"].append(
            {
                "kind": "vehicle",
                "registration": "ABC123",
                "make": "Volvo",
                "model_year": 2019,
                "vehicle_type": "personbil",
            }
        )
    elif name == "not_registered_af":
        register["AF"] = [
            {
                "kind": "registration",
                "registered": False,
                "registered_since": None,
                "programme": None,
                "planning_active": False,
            }
        ]
    elif name == "register_down":
        household.faults.append(
            {"personnummer": applicant, "source": "FK", "mode": "error_500", "times": 1000}
        )
    elif name == "household_change":
        household.previous["members"] = household.previous["members"][:1]
        household.previous["incomes"] = [
            i for i in household.previous["incomes"] if i["personnummer"] == applicant
        ]
    elif name == "rent_changed":
        rent = next(c for c in household.previous["costs"] if c["type"] == "rent")
        rent["amount"] = _money(Decimal(rent["amount"]) - 400)
    elif name == "other_needs":
        declared["other_needs"] = [{"description": "Glasögon", "amount": "1500.00"}]
    elif name == "rent_above_cap":
        rent = next(c for c in declared["costs"] if c["type"] == "rent")
        rent["amount"] = "11500.00"
        next(c for c in household.previous["costs"] if c["type"] == "rent")["amount"] = "11500.00"
