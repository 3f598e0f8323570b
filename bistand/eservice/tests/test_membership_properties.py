"""A property of membership by consent (issue 9), over random sequences of what several
persons do: start an application naming (or not) another as partner, sign it, co-sign,
decline, let invitations expire. Whatever the order: nobody reads an application they did not
sign or were not a confirmed member for, nobody is a member of a household they signed
nothing in, and nobody's application goes to a case they did not sign into."""

from __future__ import annotations

import contextlib
import itertools
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bistand.cases.models import HouseholdMember, Person
from bistand.cases.seeding import get_municipality
from bistand.cases.services import get_or_create_person
from bistand.eservice import services
from bistand.eservice.models import Draft, Signature, Step
from bistand.eservice.services import EserviceError, SignerLogin, months_open

PEOPLE = ("198504122386", "199003152387", "198809021515", "198605211518")
ADULTS = ("applicant", "partner")

person_index = st.integers(0, len(PEOPLE) - 1)
operation = st.one_of(
    st.tuples(st.just("apply"), person_index, st.none() | person_index, st.integers(0, 1)),
    st.tuples(st.just("cosign"), person_index),
    st.tuples(st.just("decline"), person_index),
    st.tuples(st.just("expire")),
)


class Rollback(Exception):
    """Ends an example: everything it made is rolled back."""


def apply(people, logins, writer, partner, month_index):
    month = months_open()[month_index]
    person = people[writer]
    try:
        try:
            draft = services.start_draft(person, month)
        except services.ChooseCase as choose:
            draft = services.start_draft(person, month, case_choice=choose.cases[-1].pk)
    except EserviceError:
        return
    own = [m for m in draft.data["members"] if m["personnummer"] == person.personnummer]
    role = own[0]["role"] if own and own[0]["role"] in ADULTS else "applicant"
    members = [{"personnummer": person.personnummer, "role": role}]
    if partner is not None and partner != writer:
        other = "partner" if role == "applicant" else "applicant"
        members.append({"personnummer": people[partner].personnummer, "role": other})
    draft.data.update(
        {
            "members": members,
            "incomes": [],
            "housing": {"type": "rent", "rooms": 1},
            "costs": [{"type": "rent", "amount": "6500.00"}],
            "planning": {"af_registered": True, "activity": ""},
        }
    )
    draft.steps_done = list(Step.values)
    draft.save()
    try:
        services.sign(draft, person, SignerLogin("x", next(logins), timezone.now()))
    except EserviceError:
        Draft.objects.filter(pk=draft.pk, application__isnull=True).delete()


def check_invariants(people):
    for person in people:
        for application in services.applications_of(person):
            signed_here = Signature.objects.filter(person=person, application=application)
            signed_in_case = Signature.objects.filter(
                person=person, application__case=application.case
            )
            assert signed_here.exists() or signed_in_case.exists(), (
                "reads an application of a household it signed nothing in"
            )
        for member in HouseholdMember.objects.filter(person=person, role__in=ADULTS):
            assert Signature.objects.filter(
                person=person, application__case__household=member.household
            ).exists(), "a member of a household it signed nothing in"
        for draft in Draft.objects.filter(person=person, case__isnull=False):
            assert Signature.objects.filter(person=person, application__case=draft.case).exists()


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_nobody_reads_what_they_did_not_sign_or_were_not_confirmed_in(
    operations, register_simulator
):
    logins = (f"login-{n}" for n in itertools.count())
    try:
        with transaction.atomic():
            get_municipality()
            people: list[Person] = [get_or_create_person(number) for number in PEOPLE]
            for op in operations:
                if op[0] == "apply":
                    apply(people, logins, *op[1:])
                elif op[0] in ("cosign", "decline"):
                    person = people[op[1]]
                    pending = services.awaiting_my_signature(person).first()
                    if pending is not None and op[0] == "cosign":
                        login = SignerLogin("x", next(logins), timezone.now())
                        # refused e.g. when they already signed another for the month
                        with contextlib.suppress(EserviceError):
                            services.cosign(pending.application, person, login)
                    elif pending is not None:
                        services.decline(pending.application, person)
                else:
                    later = timezone.now() + timedelta(days=30)
                    services.remind_and_expire(later)
                check_invariants(people)
            raise Rollback
    except Rollback:
        pass
