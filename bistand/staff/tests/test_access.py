"""Who sees which case: role, unit, protected identity; not visible means 404; access logged."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor
from bistand.cases.models import Person, Unit
from bistand.cases.seeding import get_municipality
from bistand.cases.services import Member, open_case
from bistand.staff import access
from bistand.staff.models import Role
from bistand.staff.testing import make_staff as staff

TEST = Actor.system("test")


@pytest.fixture
def world(db):
    municipality = get_municipality()
    north, south = Unit.objects.get(name="Enhet Nord"), Unit.objects.get(name="Enhet Syd")
    people = {
        n: Person.objects.create(personnummer=p, protected_identity=(n == "hidden"))
        for n, p in (
            ("north", "198502019980"),
            ("south", "198703039985"),
            ("hidden", "196001019980"),
        )
    }
    cases = {
        "north": open_case(
            municipality, [Member(people["north"], "applicant")], actor=TEST, unit=north
        ),
        "south": open_case(
            municipality, [Member(people["south"], "applicant")], actor=TEST, unit=south
        ),
        "hidden": open_case(
            municipality, [Member(people["hidden"], "applicant")], actor=TEST, unit=north
        ),
    }
    return {"north": north, "south": south, "cases": cases}


def visible(user, world):
    ids = set(access.cases_visible_to(user).values_list("pk", flat=True))
    return {name for name, case in world["cases"].items() if case.pk in ids}


def test_roles_exist_as_groups(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_a_caseworker_sees_the_cases_of_their_unit_only(world):
    assert visible(staff("anna", Role.CASEWORKER, [world["north"]]), world) == {"north"}
    assert visible(staff("bo", Role.CASEWORKER, [world["south"]]), world) == {"south"}


def test_protected_identity_only_when_granted(world):
    user = staff("cia", Role.CASEWORKER, [world["north"]], protected=True)
    assert visible(user, world) == {"north", "hidden"}


def test_administrator_and_auditor_see_the_whole_municipality(world):
    assert visible(staff("adm", Role.ADMINISTRATOR), world) == {"north", "south"}
    assert visible(staff("gra", Role.AUDITOR, protected=True), world) == {
        "north",
        "south",
        "hidden",
    }


def test_no_role_or_no_profile_or_inactive_sees_nothing(world):
    assert visible(staff("norole", None, [world["north"]]), world) == set()
    assert visible(get_user_model().objects.create_user("plain"), world) == set()
    user = staff("gone", Role.CASEWORKER, [world["north"]])
    user.is_active = False
    user.save()
    assert visible(user, world) == set()


def test_another_municipality_sees_nothing(world):
    other = get_municipality("annankommun")
    assert visible(staff("ext", Role.ADMINISTRATOR, municipality=other), world) == set()


def test_opening_a_case_is_logged_and_invisible_is_404(world):
    user = staff("anna", Role.CASEWORKER, [world["north"]])
    case = access.open_case(
        user, world["cases"]["north"].pk, purpose="handläggning", view="ärendevy"
    )
    event = AuditEvent.objects.get(action="case.opened", case_id=case.pk)
    assert event.actor.startswith(f"user:{user.pk}") and event.data["purpose"] == "handläggning"
    with pytest.raises(Http404):
        access.open_case(user, world["cases"]["south"].pk, purpose="nyfikenhet", view="ärendevy")
    assert not AuditEvent.objects.filter(
        action="case.opened", case_id=world["cases"]["south"].pk
    ).exists()


def test_only_caseworkers_and_team_leads_decide(world):
    assert access.can_decide(staff("a", Role.CASEWORKER))
    assert access.can_decide(staff("b", Role.TEAM_LEAD))
    assert not access.can_decide(staff("c", Role.AUDITOR))
    with pytest.raises(PermissionDenied):
        access.require_role(staff("d", Role.AUDITOR), Role.ADMINISTRATOR)
