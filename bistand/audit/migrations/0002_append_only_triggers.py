"""Make the audit tables append-only in the database itself, on SQLite and on PostgreSQL.

- audit_auditevent: UPDATE and DELETE (and TRUNCATE on PostgreSQL) are refused.
- audit_auditchainhead: DELETE (and TRUNCATE) are refused, and an UPDATE must move the head
  forward by exactly one event.

Someone who owns the tables can still drop the triggers; docs/audit.md says what guards
against that (verification, exporting the head). Django's test teardown empties every table:
bistand/audit/management/commands/flush.py lifts these triggers for that, in tests only.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit_auditevent: granskningsloggen kan bara byggas på, UPDATE nekas');
    END
    """,
    """
    CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit_auditevent: granskningsloggen kan bara byggas på, DELETE nekas');
    END
    """,
    """
    CREATE TRIGGER audit_auditchainhead_no_delete BEFORE DELETE ON audit_auditchainhead
    BEGIN
        SELECT RAISE(ABORT, 'audit_auditchainhead: kedjans huvud får inte tas bort, DELETE nekas');
    END
    """,
    """
    CREATE TRIGGER audit_auditchainhead_forward_only BEFORE UPDATE ON audit_auditchainhead
    WHEN NEW.id <> OLD.id OR NEW.sequence <> OLD.sequence + 1
    BEGIN
        SELECT RAISE(ABORT, 'audit_auditchainhead: kedjans huvud får bara flyttas fram en händelse i taget');
    END
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditchainhead_forward_only",
    "DROP TRIGGER IF EXISTS audit_auditchainhead_no_delete",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
]

# ERRCODE restrict_violation (23001) is an integrity-constraint class error, so Django raises
# IntegrityError on PostgreSQL as it does for SQLite's RAISE(ABORT).
POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION bistand_audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = TG_TABLE_NAME || ': granskningsloggen kan bara byggas på, ' || TG_OP || ' nekas',
            ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE FUNCTION bistand_audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
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
    """
    CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION bistand_audit_reject_change()
    """,
    """
    CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION bistand_audit_reject_change()
    """,
    """
    CREATE TRIGGER audit_auditchainhead_no_delete BEFORE DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION bistand_audit_reject_change()
    """,
    """
    CREATE TRIGGER audit_auditchainhead_forward_only BEFORE UPDATE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION bistand_audit_head_forward_only()
    """,
    """
    CREATE TRIGGER audit_auditchainhead_no_truncate BEFORE TRUNCATE ON audit_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION bistand_audit_reject_change()
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditchainhead_no_truncate ON audit_auditchainhead",
    "DROP TRIGGER IF EXISTS audit_auditchainhead_forward_only ON audit_auditchainhead",
    "DROP TRIGGER IF EXISTS audit_auditchainhead_no_delete ON audit_auditchainhead",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS bistand_audit_head_forward_only()",
    "DROP FUNCTION IF EXISTS bistand_audit_reject_change()",
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
        # params=None: the SQL is sent as it is, with no %-placeholder parsing.
        schema_editor.execute(statement, params=None)


def install_triggers(apps, schema_editor):
    _run(schema_editor, 0)


def remove_triggers(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install_triggers, remove_triggers)]
