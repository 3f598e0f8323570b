"""A municipality with two units, a nyansökan that has just come in, staff of each role, and
an applicant's logged-in session without the e-ID round trip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from bistand.audit.services import Actor
from bistand.cases import seeding
from bistand.cases.models import Application, Case, Person, Unit
from bistand.cases.services import Member, get_or_create_person, open_case
from bistand.eservice.session import KEY
from bistand.planning.models import Slot
from bistand.staff.models import Role
from bistand.staff.testing import make_staff

APPLICANT = "19850201-9980"
OTHER = "19121212-1212"
TEST = Actor.system("test")


@dataclass
class World:
    north: Unit
    south: Unit
    anna: Person
    case: Case
    application: Application
    other: Person
    other_case: Case
    users: dict


def nyansokan(municipality, unit, number, *, arrived=None):
    person = get_or_create_person(number)
    case = open_case(municipality, [Member(person, "applicant")], actor=TEST, unit=unit)
    application = Application.objects.create(
        case=case,
        month=timezone.localdate().strftime("%Y-%m"),
        kind="first",
        state="submitted",
        submitted_at=arrived or timezone.now(),
    )
    return person, case, application


@pytest.fixture
def world(db):
    municipality = seeding.get_municipality()
    north = Unit.objects.get(municipality=municipality, name="Enhet Nord")
    south = Unit.objects.get(municipality=municipality, name="Enhet Syd")
    anna, case, application = nyansokan(municipality, north, APPLICANT)
    other, other_case, _ = nyansokan(municipality, north, OTHER)
    users = {
        "ams": make_staff("ams", Role.LABOUR_MARKET, [north]),
        "handlaggare": make_staff("handlaggare", Role.CASEWORKER, [north]),
        "syd": make_staff("syd", Role.CASEWORKER, [south]),
        "granskare": make_staff("granskare", Role.AUDITOR),
    }
    return World(north, south, anna, case, application, other, other_case, users)


def make_slot(world, *, hours=3, unit=None, user="ams", mode="place") -> Slot:
    return Slot.objects.create(
        unit=unit or world.north,
        starts_at=timezone.now() + timedelta(hours=hours),
        minutes=45,
        mode=mode,
        place="Stadshuset, rum 2",
        created_by=world.users[user],
    )


def log_in_applicant(client, person: Person) -> None:
    session = client.session
    now = timezone.now().isoformat()
    session[KEY] = {"person": person.pk, "issuer": "test", "ref": "t", "at": now, "seen": now}
    session.save()
