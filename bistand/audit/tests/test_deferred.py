"""Several events in one transaction: appended together at the end, or not at all."""

from __future__ import annotations

import pytest
from django.db import transaction

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor, deferred, record, verify_chain

ROBOT = Actor.system("robot")


@pytest.mark.django_db
def test_deferred_events_are_appended_in_order_at_the_end():
    record("test.before", actor=ROBOT)
    with transaction.atomic(), deferred():
        assert record("test.one", actor=ROBOT, data={"n": 1}) is None
        record("test.two", actor=ROBOT, data={"n": 2})
        assert not AuditEvent.objects.filter(action__startswith="test.t").exists()
        with deferred():  # nested: the outer block appends
            record("test.three", actor=ROBOT)
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", "sequence"))
    assert actions == [("test.before", 1), ("test.one", 2), ("test.two", 3), ("test.three", 4)]
    assert verify_chain().ok and verify_chain().checked == 4


@pytest.mark.django_db
def test_nothing_is_appended_when_the_block_fails():
    with pytest.raises(RuntimeError), transaction.atomic(), deferred():
        record("test.lost", actor=ROBOT)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()
    record("test.after", actor=ROBOT)
    assert AuditEvent.objects.get().sequence == 1


@pytest.mark.django_db
def test_deferred_events_are_checked_at_once():
    with pytest.raises(ValueError), deferred():
        record("test.leak", actor=ROBOT, data={"who": "19850201-9980"})
    assert not AuditEvent.objects.exists()
