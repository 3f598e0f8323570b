"""A municipality with staff in two units and households with proposals from the real robot."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import pytest

from bistand.audit.services import Actor
from bistand.cases import seeding
from bistand.cases.models import Application, Case, Unit
from bistand.cases.services import Member, get_or_create_person, open_case, submit_application
from bistand.cases.synthetic import salary_record
from bistand.decisions.models import Proposal
from bistand.robot.pipeline import process
from bistand.rules.period import Month
from bistand.staff.models import Role
from bistand.staff.testing import make_staff as staff_user

APPLICANT = "198502019980"
PARTNER = "198703039985"
CHILD = "201909019984"
HIDDEN = "196001019980"
TEST = Actor.system("test")
MONTH = "2025-04"


def make_staff(username, role, units=(), **options):
    """A staff user named after the username ("Anna Testsson"), as the letters name them."""
    return staff_user(
        username, role, units, first_name=username.capitalize(), last_name="Testsson", **options
    )


def declared(applicant=APPLICANT, partner=PARTNER, child=CHILD, salary="8000.00", **changes):
    members = [{"personnummer": applicant, "role": "applicant"}]
    if partner:
        members.append({"personnummer": partner, "role": "partner"})
    if child:
        members.append({"personnummer": child, "role": "child", "lunch_away": True})
    data = {
        "members": members,
        "housing": {"type": "rent", "rooms": 2},
        "costs": [
            # a single adult's rent within Exempelkommun's cap (5 000 kr), a family's above none
            {"type": "rent", "amount": "6500.00" if partner or child else "4500.00"},
            {"type": "electricity", "amount": "300.00"},
        ],
        "incomes": [{"personnummer": applicant, "type": "salary", "amount": salary}],
        "assets": [],
        "other_needs": [],
        "changes": "",
    }
    data.update(changes)
    return data


def registers(month, applicant=APPLICANT, partner=PARTNER, child=CHILD, salary="8000.00"):
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
    persons = [p for p in (applicant, partner, child) if p]
    population = [{"kind": "population_register", "address_key": "adr-hemlig", "persons": persons}]
    out = {applicant: {"AF": af, "SKV": [*population, salary_record(salary, paid)]}}
    if partner:
        out[partner] = {"AF": af, "SKV": population}
    return out


@dataclass
class World:
    simulator: object
    north: Unit
    south: Unit
    users: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)

    def household(
        self,
        name: str,
        unit: Unit,
        *,
        applicant=APPLICANT,
        partner=PARTNER,
        child=CHILD,
        protected=False,
        history=True,
    ) -> Case:
        persons = [get_or_create_person(applicant)]
        if protected:
            persons[0].protected_identity = True
            persons[0].save()
        members = [Member(persons[0], "applicant")]
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
        if history:
            seeding.import_history(
                case,
                Month(2025, 3),
                copy.deepcopy(declared(applicant, partner, child)),
                guidelines="exempelkommun",
            )
        self.cases[name] = case
        return case

    def apply(
        self,
        case: Case,
        *,
        data=None,
        register_salary="8000.00",
        unknown_source=None,
        month=MONTH,
    ) -> Application:
        """Submit the month's application and let the robot make its proposal."""
        members = {m.role: m.person.personnummer for m in case.household.members.all()}
        applicant, partner = members["applicant"], members.get("partner")
        for personnummer, records in registers(
            month, applicant, partner, members.get("child"), salary=register_salary
        ).items():
            self.simulator.put_person(personnummer, month, records=records)
        if unknown_source:
            self.simulator.add_fault(applicant, "error_500", source=unknown_source, times=10)
        application = submit_application(
            case,
            month,
            data or declared(applicant, partner, members.get("child")),
            actor=TEST,
        )
        process(application.pk)
        application.refresh_from_db()
        return application


@pytest.fixture
def world(db, register_simulator, settings):
    settings.ROBOT_LEASE_SECONDS = 60
    municipality = seeding.get_municipality()
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    south = Unit.objects.get(municipality=municipality, name="Enhet Syd")
    w = World(simulator=register_simulator, north=north, south=south)
    w.users = {
        "anna": make_staff("anna", Role.CASEWORKER, [north]),
        "bo": make_staff("bo", Role.CASEWORKER, [north]),
        "syd": make_staff("syd", Role.CASEWORKER, [south]),
        "lead": make_staff("lead", Role.TEAM_LEAD, [north]),
        "admin": make_staff("admin", Role.ADMINISTRATOR),
        "auditor": make_staff("auditor", Role.AUDITOR),
        "norole": make_staff("norole", None, [north]),
        "cleared": make_staff("cleared", Role.CASEWORKER, [north], protected=True),
    }
    return w


@pytest.fixture
def ready(world):
    """One application in Enhet Nord waiting for a caseworker: salary differs from the register
    by more than 12 % (INCOME_DIFFERS) and the AF source does not answer (REGISTER_UNKNOWN)."""
    case = world.household("north", world.north)
    application = world.apply(case, register_salary="9500.00", unknown_source="AF")
    assert application.state == "proposal_ready", application.state
    return application


def proposal_of(application) -> Proposal:
    return Proposal.objects.select_related("application", "calculation").get(
        application=application
    )
