"""Lift the audit tables' append-only triggers for the length of one transaction.

Two callers only: Django's test teardown, which empties every table (through this app's
``flush`` command), and the tests that tamper with the log on purpose to prove that
``verify_chain`` notices. Lifting needs the rights of the tables' owner (ALTER TABLE on
PostgreSQL), the same rights that could drop the triggers anyway, so it grants nothing new.

It must run inside ``transaction.atomic()``: the triggers come back when the block ends well,
and if it fails, the rollback restores them (both databases roll back DDL).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper


def audit_tables() -> list[str]:
    from bistand.audit.models import AuditChainHead, AuditEvent

    return [AuditEvent._meta.db_table, AuditChainHead._meta.db_table]


@contextmanager
def append_only_triggers_lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    if not connection.in_atomic_block:
        raise RuntimeError("lift the audit triggers only inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with _lifted_postgresql(connection):
            yield
    elif connection.vendor == "sqlite":
        with _lifted_sqlite(connection):
            yield
    else:
        raise NotImplementedError(f"no audit triggers on {connection.vendor}")


@contextmanager
def _lifted_postgresql(connection: BaseDatabaseWrapper) -> Iterator[None]:
    tables = audit_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' "
            "AND t.tgrelid IN (to_regclass(%s), to_regclass(%s)) ORDER BY 1, 2",
            tables,
        )
        triggers = cursor.fetchall()
        for table, trigger in triggers:
            cursor.execute(_alter(connection, table, "DISABLE", trigger))
    yield
    with connection.cursor() as cursor:
        for table, trigger in triggers:
            cursor.execute(_alter(connection, table, "ENABLE", trigger))


def _alter(connection: BaseDatabaseWrapper, table: str, verb: str, trigger: str) -> str:
    quote = connection.ops.quote_name
    return f"ALTER TABLE {quote(table)} {verb} TRIGGER {quote(trigger)}"


@contextmanager
def _lifted_sqlite(connection: BaseDatabaseWrapper) -> Iterator[None]:
    tables = audit_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND tbl_name IN (%s, %s) ORDER BY name",
            tables,
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in triggers:
            cursor.execute(sql)
