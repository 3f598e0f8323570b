"""A small municipality for the API tests: three cases, each with a decided and paid month
and a month waiting for a caseworker, and staff in every role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from bistand.audit.services import Actor
from bistand.cases.models import Application, Case, Person, Transition, Unit
from bistand.cases.seeding import get_municipality
from bistand.cases.services import Member, open_case
from bistand.decisions.models import CalculationSnapshot, Decision, DecisionItem, Proposal
from bistand.payments.models import PaymentOrder
from bistand.staff.models import Role
from bistand.staff.testing import make_staff

TEST = Actor.system("test")
PERSONNUMMER = {"north": "198502019980", "south": "198703039985", "hidden": "196001019980"}


@dataclass
class World:
    cases: dict[str, Case] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    waiting: dict[str, Application] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    payments: dict[str, PaymentOrder] = field(default_factory=dict)
    users: dict = field(default_factory=dict)


def declared(personnummer: str) -> dict:
    return {
        "members": [{"personnummer": personnummer, "role": "applicant"}],
        "housing": {"type": "rent", "rooms": 1},
        "costs": [{"type": "rent", "amount": "6500.00"}],
        "incomes": [],
    }


def _decided_month(case: Case, person: Person, decider) -> tuple[Application, Decision]:
    application = Application.objects.create(
        case=case,
        month="2026-03",
        kind="repeat",
        state="paid",
        declared=declared(person.personnummer),
    )
    Transition.objects.create(
        application=application, from_state="submitted", to_state="robot_processing", actor=TEST
    )
    calculation = CalculationSnapshot.objects.create(
        application=application,
        trace={"parameters": []},
        trace_sha256="0" * 64,
        amount_ore=512350,
        engine_version="1.0.0",
        created_by=TEST,
    )
    proposal = Proposal.objects.create(
        application=application,
        calculation=calculation,
        outcome="grant",
        amount_ore=512350,
        route="caseworker",
        route_reasons=[{"code": "FLAGS", "message": "Det finns flaggor att se på."}],
        flags=[
            {
                "code": "INCOME_DIFFERS",
                "message": "Inkomsten i ansökan skiljer sig från registret.",
                "evidence": {"declared": "8000.00", "register": "9500.00", "source": "SKV"},
            }
        ],
        created_by=TEST,
    )
    decision = Decision.objects.create(
        application=application,
        proposal=proposal,
        calculation=calculation,
        outcome="grant",
        amount_ore=512350,
        decided_by=decider,
        rules_version="1.0.0",
        parameter_versions=[{"id": "riksnorm", "valid_from": "2026-01-01", "status": "official"}],
    )
    DecisionItem.objects.create(
        decision=decision,
        code="income_support",
        label="Försörjningsstöd för mars 2026",
        outcome="grant",
        amount_ore=512350,
        reasons="Hushållets behov är större än inkomsterna.",
        legal_basis="4 kap. 1 § socialtjänstlagen (2001:453)",
    )
    return application, decision


@pytest.fixture
def world(db) -> World:
    municipality = get_municipality()
    north, south = Unit.objects.get(name="Enhet Nord"), Unit.objects.get(name="Enhet Syd")
    world = World()
    world.users = {
        "caseworker_north": make_staff("anna", Role.CASEWORKER, [north]),
        "caseworker_south": make_staff("bo", Role.CASEWORKER, [south]),
        "team_lead": make_staff("gun", Role.TEAM_LEAD, [north, south], protected=True),
        "administrator": make_staff("ali", Role.ADMINISTRATOR),
        "auditor": make_staff("greta", Role.AUDITOR, protected=True),
        "no_role": make_staff("ingen", None, [north]),
        "other_municipality": make_staff(
            "extern", Role.ADMINISTRATOR, municipality=get_municipality("annankommun")
        ),
    }
    for name, unit in (("north", north), ("south", south), ("hidden", north)):
        person = Person.objects.create(
            personnummer=PERSONNUMMER[name],
            given_name=name.title(),
            family_name="Testsson",
            protected_identity=(name == "hidden"),
        )
        case = open_case(municipality, [Member(person, "applicant")], actor=TEST, unit=unit)
        application, decision = _decided_month(case, person, world.users["caseworker_north"])
        world.cases[name] = case
        world.applications[name] = application
        world.decisions[name] = decision
        world.payments[name] = PaymentOrder.objects.create(
            decision=decision,
            application=application,
            payee=person,
            amount_ore=512350,
            due_date=date(2026, 3, 25),
            status="paid",
        )
        world.waiting[name] = Application.objects.create(
            case=case,
            month="2026-04",
            kind="repeat",
            state="proposal_ready",
            declared=declared(person.personnummer),
        )
    return world
