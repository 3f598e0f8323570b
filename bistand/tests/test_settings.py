import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler

from bistand.dburl import parse_database_url


def test_swedish_first_english_available_stockholm_time():
    assert settings.LANGUAGE_CODE == "sv"
    assert ("en", "English") in settings.LANGUAGES
    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert settings.USE_TZ


def test_tasks_use_the_database_backend():
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


@pytest.mark.django_db
def test_a_sqlite_file_database_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    handler = ConnectionHandler(
        {"default": parse_database_url(f"sqlite:///{tmp_path / 'db.sqlite3'}")}
    )
    connection = handler["default"]
    try:
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert cursor.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
            assert cursor.execute("PRAGMA busy_timeout").fetchone() == (20000,)
        assert connection.transaction_mode == "IMMEDIATE"
    finally:
        connection.close()
