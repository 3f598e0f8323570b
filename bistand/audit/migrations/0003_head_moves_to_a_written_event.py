"""The chain head may move forward by several events in one UPDATE, but only onto an event
that exists with exactly that hash.

0002 let the head move one event at a time, so a transaction that appended five events moved
it five times. Now ``record``'s batch (``deferred``) moves it once, to its last event, and the
database checks what the one-at-a-time rule checked and more: the head never goes back, never
skips past the log's end, and never names a hash the log does not hold at that number.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS audit_auditchainhead_forward_only",
    """
    CREATE TRIGGER audit_auditchainhead_forward_only BEFORE UPDATE ON audit_auditchainhead
    WHEN NEW.id <> OLD.id OR NEW.sequence <= OLD.sequence OR NOT EXISTS (
        SELECT 1 FROM audit_auditevent e WHERE e.sequence = NEW.sequence AND e.hash = NEW.hash
    )
    BEGIN
        SELECT RAISE(ABORT, 'audit_auditchainhead: kedjans huvud får bara flyttas fram till en skriven händelse');
    END
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditchainhead_forward_only",
    """
    CREATE TRIGGER audit_auditchainhead_forward_only BEFORE UPDATE ON audit_auditchainhead
    WHEN NEW.id <> OLD.id OR NEW.sequence <> OLD.sequence + 1
    BEGIN
        SELECT RAISE(ABORT, 'audit_auditchainhead: kedjans huvud får bara flyttas fram en händelse i taget');
    END
    """,
]

POSTGRESQL_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION bistand_audit_head_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id = OLD.id AND NEW.sequence > OLD.sequence AND EXISTS (
            SELECT 1 FROM audit_auditevent e WHERE e.sequence = NEW.sequence AND e.hash = NEW.hash
        ) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = TG_TABLE_NAME
                || ': kedjans huvud får bara flyttas fram till en skriven händelse',
            ERRCODE = 'restrict_violation';
    END
    $$
    """,
]

POSTGRESQL_REVERSE = [
    """
    CREATE OR REPLACE FUNCTION bistand_audit_head_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id = OLD.id AND NEW.sequence = OLD.sequence + 1 THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = TG_TABLE_NAME || ': kedjans huvud får bara flyttas fram en händelse i taget',
            ERRCODE = 'restrict_violation';
    END
    $$
    """,
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_REVERSE),
}


def _run(schema_editor, direction):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(
            f"The audit log's append-only triggers exist for SQLite and PostgreSQL, not {vendor}"
        )
    for statement in STATEMENTS[vendor][direction]:
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def reverse(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(forward, reverse)]
