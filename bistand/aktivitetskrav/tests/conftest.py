"""A household in Exempelkommun with försörjningsstöd in the months before the aktivitetskrav's
month, staff in two units, and the register simulator answering for the month."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from bistand.audit.services import Actor
from bistand.cases import seeding
from bistand.cases.models import Application, Case, Person, Unit
from bistand.cases.services import Member, get_or_create_person, open_case, submit_application
from bistand.eservice.session import KEY
from bistand.robot.tests.conftest import APPLICANT, CHILD, PARTNER, declared, register_records
from bistand.rules.period import Month
from bistand.staff.models import Role
from bistand.staff.testing import make_staff

TEST = Actor.system("test")
MONTH = "2026-12"  # the aktivitetskrav applies (first for October 2026)
HISTORY = ("2026-09", "2026-10", "2026-11")
OTHER_APPLICANT = "196001019980"


def history(case: Case, months, data: dict | None = None) -> list[Application]:
    """Decided and paid months (synthetic history) for the case."""
    return [
        seeding.import_history(
            case,
            Month.parse(m),
            copy.deepcopy(data or declared()),
            guidelines="exempelkommun",
        )
        for m in months
    ]


@dataclass
class World:
    simulator: object
    north: Unit
    south: Unit
    case: Case
    applicant: Person
    partner: Person
    users: dict = field(default_factory=dict)

    def put_registers(self, month: str = MONTH) -> None:
        for personnummer, records in register_records(month).items():
            self.simulator.put_person(personnummer, month, records=records)

    def submit(self, data: dict | None = None, month: str = MONTH) -> Application:
        self.put_registers(month)
        return submit_application(self.case, month, data or declared(), actor=TEST)


def household(unit: Unit, applicant: str, partner: str | None, since: str, child=None) -> Case:
    members = [Member(get_or_create_person(applicant), "applicant")]
    if partner:
        members.append(Member(get_or_create_person(partner), "partner"))
    if child:
        members.append(Member(get_or_create_person(child), "child"))
    return open_case(
        seeding.get_municipality(automated=True),
        members,
        actor=TEST,
        unit=unit,
        since=Month.parse(since).first_day,
    )


@pytest.fixture
def world(db, register_simulator, settings):
    settings.ROBOT_LEASE_SECONDS = 60
    municipality = seeding.get_municipality(automated=True)
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    south = Unit.objects.get(municipality=municipality, name="Enhet Syd")
    case = household(north, APPLICANT, PARTNER, HISTORY[0], child=CHILD)
    history(case, HISTORY)
    w = World(
        simulator=register_simulator,
        north=north,
        south=south,
        case=case,
        applicant=Person.objects.get(personnummer=APPLICANT),
        partner=Person.objects.get(personnummer=PARTNER),
    )
    w.users = {
        "anna": make_staff("anna", Role.CASEWORKER, [north]),
        "syd": make_staff("syd", Role.CASEWORKER, [south]),
        "lead": make_staff("lead", Role.TEAM_LEAD, [north]),
        "auditor": make_staff("auditor", Role.AUDITOR),
        "admin": make_staff("admin", Role.ADMINISTRATOR),
    }
    return w


def log_in_applicant(client, person: Person) -> None:
    session = client.session
    now = timezone.now().isoformat()
    session[KEY] = {"person": person.pk, "issuer": "test", "ref": "t", "at": now, "seen": now}
    session.save()
