from pathlib import Path

import pytest

from bistand.dburl import parse_database_url


def test_sqlite_relative_path_is_resolved_against_base_dir(tmp_path):
    db = parse_database_url("sqlite:///var/bistand.sqlite3", base_dir=tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "var" / "bistand.sqlite3")


def test_sqlite_absolute_path_uses_four_slashes():
    db = parse_database_url("sqlite:////srv/bistand/db.sqlite3", base_dir="/elsewhere")
    assert db["NAME"] == "/srv/bistand/db.sqlite3"


def test_sqlite_relative_path_without_base_dir_is_relative_to_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = parse_database_url("sqlite:///db.sqlite3")
    assert Path(db["NAME"]) == tmp_path / "db.sqlite3"


def test_sqlite_in_memory():
    assert parse_database_url("sqlite:///:memory:")["NAME"] == ":memory:"


def test_sqlite_gets_one_writer_at_a_time_options():
    options = parse_database_url("sqlite:////tmp/x.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]
    assert "synchronous=NORMAL" in options["init_command"]


def test_postgres_without_password_or_port():
    db = parse_database_url("postgres://postgres@127.0.0.1/test")
    assert db == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "test",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": "",
        "OPTIONS": {},
    }


def test_postgres_with_password_port_and_options():
    db = parse_database_url("postgresql://bistand:s%40cret@db.example:6543/bistand?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["USER"] == "bistand"
    assert db["PASSWORD"] == "s@cret"
    assert db["HOST"] == "db.example"
    assert db["PORT"] == "6543"
    assert db["NAME"] == "bistand"
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_postgres_unix_socket_host():
    db = parse_database_url("postgres://%2Fvar%2Frun%2Fpostgresql/bistand")
    assert db["HOST"] == "/var/run/postgresql"


@pytest.mark.parametrize(
    "url",
    ["mysql://root@localhost/bistand", "bistand.sqlite3", "", "http://example.invalid/db"],
)
def test_unsupported_url_is_a_clear_value_error(url):
    with pytest.raises(ValueError, match=r"sqlite:///.*postgres://"):
        parse_database_url(url)


def test_postgres_without_database_name_is_refused():
    with pytest.raises(ValueError, match="database name"):
        parse_database_url("postgres://postgres@127.0.0.1:5432/")


def test_error_does_not_repeat_the_password():
    with pytest.raises(ValueError) as error:
        parse_database_url("postgres://u:hunter2@host:notaport/db")
    assert "hunter2" not in str(error.value)


def test_sqlite_with_a_host_is_refused():
    with pytest.raises(ValueError, match="no host"):
        parse_database_url("sqlite://somehost/db.sqlite3")
