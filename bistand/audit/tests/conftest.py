import pytest
from django.db import connection, transaction

from bistand.audit.dbtriggers import append_only_triggers_lifted


def tamper(sql: str, params: tuple = ()) -> None:
    """Change the audit tables behind the log's back: lift the append-only triggers, run
    ``sql``, put the triggers back, as someone with the tables' owner rights could."""
    with (
        transaction.atomic(),
        append_only_triggers_lifted(connection),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="handlaggare.anna", password="not-used", is_staff=True
    )
