"""The application's state machine: legal paths, illegal ones, races and the clock per state."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor
from bistand.cases import personnummer as pnr
from bistand.cases.models import Application, Person, State, Transition
from bistand.cases.seeding import get_municipality
from bistand.cases.services import Member, open_case, submit_application, validate_declared
from bistand.cases.states import (
    ALLOWED,
    ConcurrentTransition,
    IllegalTransition,
    time_in_states,
    transition,
)

TEST = Actor.system("test")
APPLICANT = "198502019980"


@pytest.fixture
def case(db):
    person = Person.objects.create(personnummer=APPLICANT)
    return open_case(get_municipality(), [Member(person, "applicant")], actor=TEST)


def declared() -> dict:
    return {
        "members": [{"personnummer": APPLICANT, "role": "applicant"}],
        "costs": [{"type": "rent", "amount": "5000.00"}],
        "incomes": [],
    }


def draft(case) -> Application:
    return Application.objects.create(case=case, month="2025-04", kind="first", declared=declared())


def test_the_whole_path_is_logged_with_actor_and_audited(case):
    application = draft(case)
    path = [
        State.SUBMITTED,
        State.ROBOT_PROCESSING,
        State.PROPOSAL_READY,
        State.DECIDED,
        State.PAID,
    ]
    for state in path:
        transition(application, state, actor=TEST, reason=f"till {state}")
    log = list(
        Transition.objects.filter(application=application).values_list("from_state", "to_state")
    )
    assert log == list(zip([State.DRAFT, *path[:-1]], path, strict=True))
    events = AuditEvent.objects.filter(action="application.transition", case_id=case.pk)
    assert events.count() == len(path)
    assert events.last().data == {"from": "decided", "to": "paid", "reason": "till paid"}


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (State.DRAFT, State.DECIDED),
        (State.SUBMITTED, State.PAID),
        (State.PAID, State.SUBMITTED),
        (State.WITHDRAWN, State.SUBMITTED),
        (State.DECIDED, State.WITHDRAWN),
    ],
)
def test_illegal_transitions_raise_and_change_nothing(case, start, target):
    application = draft(case)
    Application.objects.filter(pk=application.pk).update(state=start)
    application.refresh_from_db()
    with pytest.raises(IllegalTransition):
        transition(application, target, actor=TEST)
    application.refresh_from_db()
    assert application.state == start
    assert not Transition.objects.filter(application=application).exists()


def test_every_state_is_in_the_table():
    assert set(ALLOWED) == set(State.values)
    for targets in ALLOWED.values():
        assert targets <= set(State.values)


def test_the_second_of_two_concurrent_transitions_loses(case):
    application = draft(case)
    seen_by_first = Application.objects.get(pk=application.pk)
    seen_by_second = Application.objects.get(pk=application.pk)
    transition(seen_by_first, State.SUBMITTED, actor=TEST)
    with pytest.raises(ConcurrentTransition, match="någon annan hann"):
        transition(seen_by_second, State.WITHDRAWN, actor=TEST)
    assert Application.objects.get(pk=application.pk).state == State.SUBMITTED
    assert Transition.objects.filter(application=application).count() == 1


def test_clock_per_state(case):
    start = case.opened_at
    with time_machine.travel(start, tick=False) as clock:
        application = draft(case)
        clock.shift(timedelta(minutes=5))
        transition(application, State.SUBMITTED, actor=TEST)
        clock.shift(timedelta(hours=2))
        transition(application, State.ROBOT_PROCESSING, actor=TEST)
        clock.shift(timedelta(seconds=3))
        transition(application, State.PROPOSAL_READY, actor=TEST)
        clock.shift(timedelta(hours=20))
        spent = time_in_states(application)
    assert spent[State.DRAFT] == timedelta(minutes=5)
    assert spent[State.SUBMITTED] == timedelta(hours=2)
    assert spent[State.ROBOT_PROCESSING] == timedelta(seconds=3)
    assert spent[State.PROPOSAL_READY] == timedelta(hours=20)


def test_a_double_submit_makes_one_application(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = submit_application(case, "2025-04", declared(), actor=TEST, submission_key="k-1")
        again = submit_application(case, "2025-04", declared(), actor=TEST, submission_key="k-1")
    assert first.pk == again.pk
    assert Application.objects.filter(case=case, month="2025-04").count() == 1


def test_one_live_application_per_month(case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        submit_application(case, "2025-04", declared(), actor=TEST)
        with pytest.raises(ValidationError, match="redan en ansökan"):
            submit_application(case, "2025-04", declared(), actor=TEST)


def test_submitting_queues_the_robot_after_commit(case, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        application = submit_application(case, "2025-04", declared(), actor=TEST)
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [application.pk]
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.robot_enqueued_at is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"members": []}, "members"),
        (
            {"members": [{"personnummer": "198502019981", "role": "applicant"}]},
            "members[0].personnummer",
        ),
        ({"costs": [{"type": "yacht", "amount": "10"}]}, "costs[0].type"),
        ({"costs": [{"type": "rent", "amount": "-10"}]}, "costs[0].amount"),
        (
            {"incomes": [{"personnummer": "198703039985", "type": "salary", "amount": "1"}]},
            "incomes[0].personnummer",
        ),
    ],
)
def test_declared_data_is_validated_field_by_field(change, field):
    with pytest.raises(ValidationError) as err:
        validate_declared({**declared(), **change})
    assert field in err.value.message_dict


def test_personnummer_and_samordningsnummer():
    assert pnr.normalise("19121212-1212") == "191212121212"
    assert pnr.normalise("701063-2391") == "197010632391"  # samordningsnummer
    assert pnr.is_coordination_number("197010632391")
    assert pnr.birth_date("197010632391").isoformat() == "1970-10-03"
    assert pnr.mask("191212121212") == "19121212-****"
    with pytest.raises(ValidationError):
        pnr.normalise("19121212-1213")


def test_personnummer_is_not_in_the_history_table(case):
    person = Person.objects.get(personnummer=APPLICANT)
    person.given_name = "Anna"
    person.save()
    assert person.history.count() >= 1
    assert not hasattr(person.history.first(), "personnummer")
