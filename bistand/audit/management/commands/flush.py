"""``flush`` that knows the audit log is append-only.

Django's ``flush`` empties every table. Its main user is the test framework: after each
transactional test (``TransactionTestCase``, ``django_db(transaction=True)``, ``live_server``)
it flushes the test database, and the audit tables' triggers would refuse that (on PostgreSQL
even when they are empty, since TRUNCATE triggers fire per statement).

So, in a test environment, this command lifts the audit triggers for the one transaction that
flushes (``append_only_triggers_lifted``), and the triggers are back when it ends. Anywhere
else it refuses: emptying the audit log is not something to do to a real database. To start a
development database afresh, delete it (``var/bistand.sqlite3``) or drop and create it, then
``bistand migrate``. docs/audit.md explains the choice.
"""

from __future__ import annotations

from django.core import mail
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections, transaction

from bistand.audit.dbtriggers import append_only_triggers_lifted


def in_test_environment() -> bool:
    """True between Django's ``setup_test_environment()`` and its teardown.

    Both Django's test runner and pytest-django call it, and it is what installs the test
    outbox ``django.core.mail.outbox``; the project never sets the outbox otherwise.
    """
    return hasattr(mail, "outbox")


class Command(flush.Command):
    help = (
        flush.Command.help + " Refused outside tests: the audit log is append-only "
        "(see docs/audit.md)."
    )

    def handle(self, **options):
        if not in_test_environment():
            raise CommandError(
                "flush would empty the audit log, which is append-only, so it is refused. "
                "To start a development database afresh, delete it (var/bistand.sqlite3) or "
                "drop and create it, then run `bistand migrate`.",
                returncode=2,
            )
        database = options["database"]
        with (
            transaction.atomic(using=database),
            append_only_triggers_lifted(connections[database]),
        ):
            return super().handle(**options)
