"""Tampering with the log behind its back, as a table owner could, is found by verify_chain.

Each test lifts the append-only triggers (``tamper``), changes the tables with raw SQL, puts
the triggers back, and checks that verification names the first broken event.
"""

import json

import pytest

from bistand.audit.models import AuditChainHead, AuditEvent
from bistand.audit.services import Actor, record, verify_chain
from bistand.audit.tests.conftest import tamper

ROBOT = Actor.system("robot")


@pytest.fixture
def five_events(db):
    return [
        record(
            "application.transition",
            actor=ROBOT,
            case_id=10 + number,
            subject=f"application:{number}",
            data={"to": "in_review", "step": number},
        )
        for number in range(1, 6)
    ]


def test_an_untouched_chain_is_intact(five_events):
    result = verify_chain()
    assert result.ok
    assert result.checked == 5
    assert result.last_sequence == 5
    assert result.last_hash == five_events[-1].hash


def test_changed_data_is_found(five_events):
    tamper(
        "UPDATE audit_auditevent SET data = %s WHERE sequence = 3",
        (json.dumps({"to": "approved", "step": 3}),),
    )

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_id == five_events[2].id
    assert result.first_broken_sequence == 3
    assert result.checked == 2
    assert result.reason == "händelse 3: hashvärdet stämmer inte – innehållet har ändrats"


def test_a_changed_actor_is_found(five_events):
    tamper("UPDATE audit_auditevent SET actor = %s WHERE sequence = 2", ("user:1:mallory",))

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_id == five_events[1].id
    assert result.reason.startswith("händelse 2: hashvärdet stämmer inte")


def test_a_deleted_event_leaves_a_gap_that_is_named(five_events):
    tamper("DELETE FROM audit_auditevent WHERE sequence = 4")

    result = verify_chain()

    assert not result.ok
    assert result.reason == "händelse 4 saknas"
    assert result.first_broken_sequence == 4
    assert result.first_broken_id == five_events[4].id  # the event found where 4 should be


def test_reordered_events_are_found(five_events):
    # Swap events 2 and 3 (through a spare number, since sequence is unique).
    tamper("UPDATE audit_auditevent SET sequence = 1000 WHERE sequence = 2")
    tamper("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 3")
    tamper("UPDATE audit_auditevent SET sequence = 3 WHERE sequence = 1000")

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_sequence == 2
    assert result.first_broken_id == five_events[2].id  # the old event 3, now in place 2


def test_a_deleted_and_renumbered_event_is_found(five_events):
    # Remove event 2 and close the gap, so the numbers run 1..4 again.
    tamper("DELETE FROM audit_auditevent WHERE sequence = 2")
    for number in (3, 4, 5):
        tamper(
            "UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", (number - 1, number)
        )

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_sequence == 2
    assert "hashvärdet stämmer inte" in result.reason


def test_a_rewritten_event_with_a_recomputed_hash_breaks_the_next_link(five_events):
    forged = AuditEvent.objects.get(sequence=3)
    forged.data = {"to": "approved", "step": 3}
    tamper(
        "UPDATE audit_auditevent SET data = %s, hash = %s WHERE sequence = 3",
        (json.dumps(forged.data), forged.computed_hash()),
    )

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_sequence == 4
    assert result.first_broken_id == five_events[3].id
    assert result.reason.startswith("händelse 4: länken till händelse 3 stämmer inte")


def test_removing_the_newest_events_is_found_through_the_head(five_events):
    tamper("DELETE FROM audit_auditevent WHERE sequence >= 4")

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_sequence == 4
    assert result.first_broken_id is None
    assert result.reason.startswith("händelse 4 saknas")
    assert result.checked == 3


def test_a_replaced_last_event_is_found_through_the_head(five_events):
    last = AuditEvent.objects.get(sequence=5)
    last.data = {"to": "approved", "step": 5}
    tamper(
        "UPDATE audit_auditevent SET data = %s, hash = %s WHERE sequence = 5",
        (json.dumps(last.data), last.computed_hash()),
    )

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_id == five_events[4].id
    assert result.reason.startswith("händelse 5: hashvärdet stämmer inte med kedjans huvud")


def test_an_event_slipped_in_after_the_head_is_found(five_events):
    last = AuditEvent.objects.get(sequence=5)
    slipped = AuditEvent(
        sequence=6,
        created_at=last.created_at,
        actor=ROBOT,
        action="decision.made",
        case_id=11,
        prev_hash=last.hash,
    )
    slipped.hash = slipped.computed_hash()
    slipped.save()  # inserts are allowed; but the head was not moved

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_id == slipped.id
    assert result.reason.startswith("händelse 6 ligger efter kedjans huvud")


def test_a_missing_head_under_events_is_found(five_events):
    tamper("DELETE FROM audit_auditchainhead")

    result = verify_chain()

    assert not result.ok
    assert result.reason == "kedjans huvud saknas men loggen har händelser"


def test_the_triggers_are_back_after_tampering(five_events):
    from django.db import IntegrityError, connection, transaction

    tamper("UPDATE audit_auditevent SET actor = %s WHERE sequence = 1", ("user:1:mallory",))

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = 'user:2:eve' WHERE sequence = 1")
    assert AuditChainHead.objects.get().sequence == 5
