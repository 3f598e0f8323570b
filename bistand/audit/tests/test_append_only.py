"""The database itself refuses to change or remove audit events, on SQLite and PostgreSQL."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, models, transaction

from bistand.audit.management.commands import flush as audit_flush
from bistand.audit.models import AuditChainHead, AuditEvent
from bistand.audit.services import Actor, record, verify_chain

ROBOT = Actor.system("robot")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE triggers exist on PostgreSQL only"
)


def _refused(sql: str, params: tuple = ()) -> str:
    with pytest.raises(IntegrityError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(error.value)


@pytest.fixture
def two_events(db):
    return [record("case.created", actor=ROBOT, case_id=n) for n in (1, 2)]


def test_raw_sql_update_is_refused(two_events):
    message = _refused("UPDATE audit_auditevent SET actor = 'user:9:mallory'")
    assert "granskningsloggen kan bara byggas på" in message
    assert AuditEvent.objects.get(sequence=1).actor == ROBOT


def test_raw_sql_delete_is_refused(two_events):
    assert "DELETE" in _refused("DELETE FROM audit_auditevent WHERE sequence = 2")
    assert AuditEvent.objects.count() == 2


@on_postgresql
def test_truncate_is_refused_on_postgresql(two_events):
    assert "TRUNCATE" in _refused("TRUNCATE audit_auditevent")
    assert "TRUNCATE" in _refused("TRUNCATE audit_auditchainhead")
    assert AuditEvent.objects.count() == 2


def test_orm_update_and_delete_past_the_model_guards_hit_the_triggers(two_events):
    # A plain QuerySet skips AuditEventQuerySet's guard, as careless code might.
    plain = models.QuerySet(AuditEvent)
    with pytest.raises(IntegrityError), transaction.atomic():
        plain.filter(sequence=1).update(action="case.deleted")
    with pytest.raises(IntegrityError), transaction.atomic():
        plain.filter(sequence=2)._raw_delete(connection.alias)
    assert verify_chain().ok


def test_the_head_moves_forward_one_event_at_a_time_only(two_events):
    _refused("UPDATE audit_auditchainhead SET sequence = 1")
    _refused("UPDATE audit_auditchainhead SET sequence = 7")
    _refused("DELETE FROM audit_auditchainhead")
    assert AuditChainHead.objects.get().sequence == 2


def test_triggers_refuse_even_an_update_that_changes_nothing(two_events):
    _refused("UPDATE audit_auditevent SET actor = actor")


# ---- Django's test flush ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_may_leave_events_for_the_flush():
    """The teardown of this test flushes the tables: it must get past the triggers."""
    record("case.created", actor=ROBOT, case_id=1)
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_starts_with_an_empty_log_and_intact_triggers():
    assert not AuditEvent.objects.exists()
    assert not AuditChainHead.objects.exists()
    event = record("case.created", actor=ROBOT, case_id=1)  # head made afresh
    assert event.sequence == 1
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


@pytest.mark.django_db
def test_flush_is_refused_outside_tests(monkeypatch):
    record("case.created", actor=ROBOT, case_id=1)
    monkeypatch.setattr(audit_flush, "in_test_environment", lambda: False)

    with pytest.raises(CommandError, match="append-only") as error:
        call_command("flush", interactive=False, verbosity=0)

    assert error.value.returncode == 2
    assert AuditEvent.objects.count() == 1
