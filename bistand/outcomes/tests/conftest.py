"""Households with cases in two units, applications submitted through the real services."""

from __future__ import annotations

import itertools

import pytest

from bistand.audit.services import Actor
from bistand.cases import seeding
from bistand.cases.models import Application, Case, State, Unit
from bistand.cases.services import Member, get_or_create_person, open_case, submit_application
from bistand.rules.period import Month

TEST = Actor.system("test")
_serial = itertools.count(1)


def personnummer(born: str = "19800101") -> str:
    """A valid personnummer (Luhn check digit) born on ``born``, new for every call."""
    body = f"{born[2:]}{next(_serial) % 1000:03d}"
    total = 0
    for i, digit in enumerate(body):
        n = int(digit) * (2 if i % 2 == 0 else 1)
        total += n // 10 + n % 10
    return f"{born}{body[6:]}{(10 - total % 10) % 10}"


def declared(case: Case) -> dict:
    members = [
        {"personnummer": m.person.personnummer, "role": m.role}
        for m in case.household.members.select_related("person").order_by("pk")
    ]
    return {
        "members": members,
        "housing": {"type": "rent", "rooms": 2},
        "costs": [{"type": "rent", "amount": "4500.00"}],
        "incomes": [],
        "assets": [],
        "other_needs": [],
        "changes": "",
    }


def household(unit: Unit, *, adults: int = 2, children: int = 1, since="2025-01-01") -> Case:
    people = [Member(get_or_create_person(personnummer()), "applicant")]
    if adults == 2:
        people.append(Member(get_or_create_person(personnummer("19820202")), "partner"))
    for _ in range(children):
        people.append(Member(get_or_create_person(personnummer("20150303")), "child"))
    return open_case(
        seeding.get_municipality(),
        people,
        actor=TEST,
        unit=unit,
        since=Month.parse(since[:7]).first_day,
    )


def apply(case: Case, month: str, *, decided: bool = True) -> Application:
    """The month's application submitted (cases.services.submit_application); ``decided``:
    moved on to decided as a caseworker's decision would (the robot is not what is tested)."""
    application = submit_application(case, month, declared(case), actor=TEST)
    if decided:
        Application.objects.filter(pk=application.pk).update(state=State.DECIDED)
        application.refresh_from_db()
    return application


def adults_of(case: Case):
    return [
        m.person
        for m in case.household.members.select_related("person").order_by("pk")
        if m.role in ("applicant", "partner")
    ]


@pytest.fixture
def units(db):
    municipality = seeding.get_municipality()
    north, south = Unit.objects.filter(municipality=municipality).order_by("pk")[:2]
    return north, south
