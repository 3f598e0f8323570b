"""A backup restores into a fresh database and verifies: the audit chain holds, every decision
letter still has its hash, every attachment its SHA-256, the migrations are the same. A backup
or a restored copy that was tampered with is caught.

The backup is of the test database itself, so the PostgreSQL restore runs in the PostgreSQL pass
of ``make test`` and the SQLite restore in the SQLite pass; each skips in the other, saying so.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils.functional import empty

from bistand.audit.services import Actor
from bistand.backup import services
from bistand.backup.management.commands.backup import run_verify_subprocess
from bistand.cases.services import get_or_create_person
from bistand.eservice.models import Attachment, attachment_storage
from bistand.letters.services import archive_letter
from bistand.letters.tests.conftest import APPLICANT, make_decision

pytestmark = pytest.mark.django_db(transaction=True)

ATTACHMENT = b"%PDF-1.4\nhyresavi\n"


@pytest.fixture
def world(settings, tmp_path):
    """Two archived decision letters, an attachment on disk and a payment file."""
    settings.VAR_DIR = tmp_path / "var"
    settings.ATTACHMENT_ROOT = tmp_path / "var" / "attachments"
    attachment_storage._wrapped = empty
    granted = make_decision()
    refused = make_decision(salary="20000.00")
    letters = [archive_letter(d, actor=Actor.system("letters")) for d in (granted, refused)]
    attachment = Attachment(
        application=granted.application,
        uploaded_by=get_or_create_person(APPLICANT),
        kind="rent",
        filename="hyresavi.pdf",
        content_type="application/pdf",
        size=len(ATTACHMENT),
        sha256=hashlib.sha256(ATTACHMENT).hexdigest(),
    )
    attachment.file.save("x", ContentFile(ATTACHMENT), save=False)
    attachment.save()
    payments = services.private_dir(settings.VAR_DIR / "payments")
    (payments / "exempelkommun-2025-04-25-1.xml").write_bytes(b"<Document/>")
    yield {"letters": letters, "attachment": attachment}
    attachment_storage._wrapped = empty


def _needs(vendor: str) -> None:
    if connection.vendor != vendor:
        pytest.skip(
            f"the test database is {connection.vendor}: a backup of it cannot be restored into "
            f"{vendor}; the {vendor} pass of `make test` runs this test"
        )


@contextmanager
def fresh_database(vendor: str, tmp_path: Path):
    """The URL of a database that does not exist yet; dropped (or deleted) afterwards."""
    if vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'bistand.sqlite3'}"
        return
    import psycopg

    source = connection.settings_dict
    name = f"test_restore_{os.getpid()}"
    params = {
        k: v
        for k, v in {
            "host": source.get("HOST"),
            "port": source.get("PORT"),
            "user": source.get("USER"),
            "password": source.get("PASSWORD"),
        }.items()
        if v
    }
    try:
        admin = psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **params)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server answers for the restore target: {error}")
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    user = params.get("user", "")
    password = f":{params['password']}" if params.get("password") else ""
    auth = f"{user}{password}@" if user else ""
    host = params.get("host", "localhost")
    try:
        yield f"postgres://{auth}{host}:{params.get('port', 5432)}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def raw(url: str):
    """A plain driver connection to the restored copy, as its owner would have."""
    if url.startswith("sqlite:"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            yield db
            db.commit()
        finally:
            db.close()
        return
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        yield db


def _lift_audit_triggers(db, url: str) -> None:
    if url.startswith("sqlite:"):
        names = db.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_auditevent'"
        ).fetchall()
        for (name,) in names:
            db.execute(f'DROP TRIGGER "{name}"')
    else:
        db.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")


def _restore_and_verify(vendor, world, tmp_path):
    archive = services.create_backup(tmp_path / "backups")
    with fresh_database(vendor, tmp_path) as url:
        files = tmp_path / "restored-files"
        call_command("backup", "restore", str(archive), "--database-url", url, "--files-to", files)
        code, report = run_verify_subprocess(url, files)
        assert code == 0, report
        assert "[OK] granskningskedjan" in report
        assert "[OK] beslutsbrev / decision letters: alla 2 stämmer" in report
        assert "[OK] bilagor / attachments: alla 1 finns och stämmer" in report
        assert "[OK] migreringar" in report
        assert "[OK] betalfiler / payment files: 1 av 1" in report

        # A flipped byte in a letter's PDF in the restored copy is caught, naming the letter.
        letter = world["letters"][0]
        mark = "?" if vendor == "sqlite" else "%s"
        with raw(url) as db:
            select = f"SELECT pdf FROM letters_decisionletter WHERE id = {mark}"  # noqa: S608
            pdf = bytearray(db.execute(select, (letter.pk,)).fetchone()[0])
            pdf[len(pdf) // 2] ^= 0x01
            update = f"UPDATE letters_decisionletter SET pdf = {mark} WHERE id = {mark}"  # noqa: S608
            db.execute(update, (bytes(pdf), letter.pk))
        code, report = run_verify_subprocess(url, files)
        assert code == 1, report
        assert f"[FEL] beslutsbrev / decision letters: 1 av 2 stämmer inte: brev {letter.pk}" in (
            report
        )

        # So is an audit event edited in the restored copy by someone who lifted the triggers.
        with raw(url) as db:
            _lift_audit_triggers(db, url)
            db.execute("UPDATE audit_auditevent SET actor = 'system:nobody' WHERE sequence = 2")
        code, report = run_verify_subprocess(url, files)
        assert code == 1, report
        assert "[FEL] granskningskedjan" in report
        assert "händelse 2: hashvärdet stämmer inte" in report


def test_a_postgresql_backup_restores_into_a_fresh_database_and_verifies(world, tmp_path):
    _needs("postgresql")
    _restore_and_verify("postgresql", world, tmp_path)


def test_a_sqlite_backup_restores_into_a_new_file_and_verifies(world, tmp_path):
    _needs("sqlite")
    _restore_and_verify("sqlite", world, tmp_path)


def test_the_archive_and_its_folder_are_private_and_the_manifest_says_what_is_inside(
    world, tmp_path
):
    archive = services.create_backup(tmp_path / "backups")
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert [p.name for p in archive.parent.iterdir()] == [archive.name]  # no leftovers
    manifest = services.read_manifest(archive)
    assert manifest["database"]["vendor"] == connection.vendor
    assert "audit.0002_append_only_triggers" in manifest["migrations"]
    assert manifest["counts"]["letters"] == 2
    assert manifest["counts"]["attachments"] == 1
    assert manifest["files"]["attachments"]["files"] == 1
    assert manifest["files"]["payments"]["files"] == 1
    assert manifest["audit_head"]["sequence"] >= 2
    assert "PASSWORD" not in json.dumps(manifest)
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == sorted(["manifest.json", *manifest["parts"]])
        for name, part in manifest["parts"].items():
            member = tar.extractfile(name)
            assert hashlib.sha256(member.read()).hexdigest() == part["sha256"]


def test_a_flipped_byte_in_the_archive_is_caught_and_nothing_is_restored(world, tmp_path):
    archive = services.create_backup(tmp_path / "backups")
    manifest = services.read_manifest(archive)
    with tarfile.open(archive) as tar:
        offset = tar.getmember(manifest["database"]["part"]).offset_data
    with open(archive, "r+b") as handle:
        handle.seek(offset + 200)
        byte = handle.read(1)
        handle.seek(offset + 200)
        handle.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(CommandError) as raised:
        call_command("backup", "verify", str(archive))
    assert raised.value.returncode == 1
    with pytest.raises(CommandError) as raised:
        call_command(
            "backup",
            "restore",
            str(archive),
            "--database-url",
            f"sqlite:///{tmp_path / 'never.sqlite3'}",
        )
    assert raised.value.returncode == 1
    assert "nothing was restored" in str(raised.value)
    assert not (tmp_path / "never.sqlite3").exists()


def test_a_restore_refuses_a_target_that_is_not_fresh(world, tmp_path):
    archive = services.create_backup(tmp_path / "backups")
    if connection.vendor == "sqlite":
        taken = tmp_path / "taken.sqlite3"
        taken.write_bytes(b"not empty")
        url = f"sqlite:///{taken}"
    else:
        source = connection.settings_dict
        url = f"postgres://{source.get('USER') or ''}@{source.get('HOST') or 'localhost'}:" + (
            f"{source.get('PORT') or 5432}/{source['NAME']}"
        )
    with pytest.raises(CommandError) as raised:
        call_command("backup", "restore", str(archive), "--database-url", url)
    assert raised.value.returncode == 2
