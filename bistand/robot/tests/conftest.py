"""Households for the robot's tests: in the database and in a real register simulator."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest

from bistand.audit.services import Actor
from bistand.cases import seeding
from bistand.cases.models import Application, Case
from bistand.cases.services import Member, get_or_create_person, open_case, submit_application
from bistand.cases.synthetic import salary_record
from bistand.rules.period import Month

APPLICANT = "198502019980"
PARTNER = "198703039985"
CHILD = "201909019984"
TEST = Actor.system("test")


def declared(**changes) -> dict:
    data = {
        "members": [
            {"personnummer": APPLICANT, "role": "applicant"},
            {"personnummer": PARTNER, "role": "partner"},
            {"personnummer": CHILD, "role": "child", "lunch_away": True},
        ],
        "housing": {"type": "rent", "rooms": 2},
        "costs": [
            {"type": "rent", "amount": "6500.00"},
            {"type": "electricity", "amount": "300.00"},
            {"type": "home_insurance", "amount": "150.00"},
        ],
        "incomes": [
            {"personnummer": APPLICANT, "type": "salary", "amount": "8000.00"},
            {"personnummer": APPLICANT, "type": "child_allowance", "amount": "1250.00"},
        ],
        "assets": [],
        "other_needs": [],
        "changes": "",
    }
    data.update(changes)
    return data


def register_records(month: str, salary: str = "8000.00") -> dict[str, dict[str, list[dict]]]:
    paid = f"{month}-25"
    af = [
        {
            "kind": "registration",
            "registered": True,
            "registered_since": "2024-01-01",
            "programme": None,
            "planning_active": True,
        }
    ]
    population = [
        {
            "kind": "population_register",
            "address_key": "adr-test",
            "persons": [APPLICANT, PARTNER, CHILD],
        }
    ]
    return {
        APPLICANT: {
            "AF": af,
            "SKV": [*population, salary_record(salary, paid)],
            "FK": [
                {
                    "kind": "payment",
                    "income_type": "child_allowance",
                    "amount": "1250.00",
                    "paid_on": paid,
                }
            ],
        },
        PARTNER: {"AF": af, "SKV": population},
    }


@dataclass
class World:
    case: Case
    simulator: object
    month: str = "2025-04"

    def put_registers(self, month: str | None = None, **kwargs) -> None:
        for personnummer, records in register_records(month or self.month, **kwargs).items():
            self.simulator.put_person(personnummer, month or self.month, records=records)

    def submit(self, data: dict | None = None, month: str | None = None, **kwargs) -> Application:
        return submit_application(
            self.case, month or self.month, data or declared(), actor=TEST, **kwargs
        )


@pytest.fixture
def world(db, register_simulator, settings):
    """A couple with a child in Exempelkommun, last month decided and paid, registers agreeing."""
    settings.ROBOT_LEASE_SECONDS = 60
    municipality = seeding.get_municipality(automated=True)
    persons = [get_or_create_person(p) for p in (APPLICANT, PARTNER, CHILD)]
    case = open_case(
        municipality,
        [
            Member(persons[0], "applicant"),
            Member(persons[1], "partner"),
            Member(persons[2], "child"),
        ],
        actor=TEST,
        since=Month(2025, 3).first_day,
    )
    seeding.import_history(
        case, Month(2025, 3), copy.deepcopy(declared()), guidelines="exempelkommun"
    )
    w = World(case=case, simulator=register_simulator)
    w.put_registers()
    return w
