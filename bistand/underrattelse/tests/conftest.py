"""A municipality with two units, staff with roles, and households with a decided month."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import pytest

from bistand.audit.services import Actor
from bistand.cases import seeding
from bistand.cases.models import Application, Case, Unit
from bistand.cases.services import Member, get_or_create_person, open_case
from bistand.rules.period import Month
from bistand.staff.models import Role
from bistand.staff.testing import make_staff

APPLICANT = "198502019980"
PARTNER = "198703039985"
CHILD = "201909019984"
STRANGER = "196001019980"
TEST = Actor.system("test")


def declared(applicant, partner=None, child=None):
    members = [{"personnummer": applicant, "role": "applicant"}]
    if partner:
        members.append({"personnummer": partner, "role": "partner"})
    if child:
        members.append({"personnummer": child, "role": "child"})
    return {
        "members": members,
        "housing": {"type": "rent", "rooms": 2},
        "costs": [{"type": "rent", "amount": "4500.00"}],
        "incomes": [],
        "assets": [],
        "other_needs": [],
        "changes": "",
    }


@dataclass
class World:
    north: Unit
    south: Unit
    users: dict = field(default_factory=dict)

    def household(
        self, unit, applicant=APPLICANT, partner=None, child=None, names=("Anna", "Andersson")
    ):
        person = get_or_create_person(applicant)
        person.given_name, person.family_name = names
        person.save()
        members = [Member(person, "applicant")]
        if partner:
            members.append(Member(get_or_create_person(partner), "partner"))
        if child:
            members.append(Member(get_or_create_person(child), "child"))
        case = open_case(
            seeding.get_municipality(),
            members,
            actor=TEST,
            unit=unit,
            since=Month(2025, 3).first_day,
        )
        seeding.import_history(
            case,
            Month(2025, 3),
            copy.deepcopy(declared(applicant, partner, child)),
            guidelines=None,
        )
        return case

    @staticmethod
    def application(case: Case) -> Application:
        return case.applications.order_by("pk").first()


@pytest.fixture
def world(db):
    municipality = seeding.get_municipality()
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    south = Unit.objects.get(municipality=municipality, name="Enhet Syd")
    w = World(north=north, south=south)

    def staff(name, role, units=()):
        return make_staff(name, role, units, first_name=name.capitalize(), last_name="Testsson")

    w.users = {
        "anna": staff("anna", Role.CASEWORKER, [north]),
        "syd": staff("syd", Role.CASEWORKER, [south]),
        "auditor": staff("auditor", Role.AUDITOR),
    }
    return w
