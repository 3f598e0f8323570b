"""Files with personal data are the server user's own: folders 0700, files 0600, whatever the
umask the server was started with; upload temp files in a private folder, and cleaned up."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from bistand.core import uploads
from bistand.core.private import private_dir, private_file, restrict_umask

REPO = Path(__file__).resolve().parents[3]
#: Runs the command after it with the umask of a usual shell.
UMASK_022 = ["/bin/sh", "-c", 'umask 022 && exec "$0" "$@"']


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    """The usual umask of a shell (022): what made the files 0644 before."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def clean_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "BISTAND_"))}
    env["BISTAND_VAR_DIR"] = str(var_dir)
    return env


def test_the_database_and_var_are_private_from_the_entry_point(tmp_path):
    """`bistand` (and manage.py) started with umask 022: var/, the SQLite database, its -wal
    and -shm and the secret key are the server user's only."""
    var = tmp_path / "var"
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('create table t (x integer)')\n"
        "    c.execute('insert into t values (1)')\n"
    )
    subprocess.run(
        [*UMASK_022, sys.executable, "manage.py", "shell", "-c", script],
        cwd=REPO,
        env=clean_env(var),
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert mode(var) == 0o700
    database = var / "bistand.sqlite3"
    assert mode(database) == 0o600
    assert mode(var / "secret_key") == 0o600
    for suffix in ("-wal", "-shm"):
        side = var / f"bistand.sqlite3{suffix}"
        if side.exists():  # SQLite may have checkpointed and removed it at close
            assert mode(side) == 0o600, side


def test_a_fresh_machine_passes_the_system_checks(tmp_path):
    """On a fresh clone var/ does not exist: the upload folder is made (0700) before Django's
    checks look for it, so `bistand migrate` in `make run` does not stop at files.E001."""
    var = tmp_path / "var"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=clean_env(var),
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert mode(var / "attachments" / ".uploads") == 0o700


def test_the_wsgi_entry_point_sets_the_umask(tmp_path):
    out = subprocess.run(
        [*UMASK_022, sys.executable, "-c", "import os, bistand.wsgi; print(oct(os.umask(0)))"],
        cwd=REPO,
        env=clean_env(tmp_path / "var"),
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip().endswith("0o77")


def test_an_existing_sqlite_file_or_folder_is_tightened(tmp_path, loose_umask):
    folder = tmp_path / "var"
    folder.mkdir(mode=0o755)
    database = folder / "db.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o644)
    private_dir(folder)
    private_file(database)
    assert mode(folder) == 0o700 and mode(database) == 0o600
    fresh = private_file(folder / "new.sqlite3")
    assert mode(fresh) == 0o600


def test_payment_files_are_written_0600_in_a_0700_folder(settings, tmp_path, loose_umask):
    from bistand.payments import files

    settings.VAR_DIR = tmp_path
    directory = files.payments_dir()
    assert mode(directory) == 0o700
    target = directory / "utbetalningar-test.xml"
    files.write_file(target, b"<Document/>")
    assert mode(target) == 0o600
    target.chmod(0o644)  # left by an older version: rewritten private
    files.write_file(target, b"<Document/>")
    assert mode(target) == 0o600


def test_restrict_umask_makes_new_files_private(tmp_path, loose_umask):
    restrict_umask()
    (tmp_path / "file").write_text("x")
    (tmp_path / "folder").mkdir()
    assert mode(tmp_path / "file") == 0o600 and mode(tmp_path / "folder") == 0o700


def test_the_upload_settings(settings):
    assert Path(settings.FILE_UPLOAD_TEMP_DIR).parent == Path(settings.ATTACHMENT_ROOT)
    assert "bistand.core.uploads.PrivateTemporaryFileUploadHandler" in (
        settings.FILE_UPLOAD_HANDLERS
    )
    assert "TemporaryFileUploadHandler" not in " ".join(
        h for h in settings.FILE_UPLOAD_HANDLERS if not h.startswith("bistand.")
    )
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "bilagor" / ".uploads")
    return Path(settings.FILE_UPLOAD_TEMP_DIR)


def test_an_upload_is_received_into_a_private_file_and_removed_when_interrupted(
    upload_dir, loose_umask
):
    handler = uploads.PrivateTemporaryFileUploadHandler()
    handler.new_file("file", "läkarintyg.pdf", "application/pdf", 100, None)
    handler.receive_data_chunk(b"%PDF-1.4 ...", 0)
    path = Path(handler.file.temporary_file_path())
    assert path.parent == upload_dir
    assert mode(upload_dir) == 0o700 and mode(path) == 0o600
    assert "läkarintyg" not in path.name
    handler.upload_interrupted()  # the client went away mid-upload
    assert not path.exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection as it ends
def test_upload_files_left_by_a_killed_server_are_removed_after_an_hour(upload_dir):
    upload_dir.mkdir(parents=True)
    stale = upload_dir / "tmpabc.upload.pdf"
    stale.write_bytes(b"%PDF-")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    running = upload_dir / "tmpdef.upload.pdf"  # a request receiving it right now
    running.write_bytes(b"%PDF-")

    out = StringIO()
    call_command("worker", "--until-idle", stdout=out)

    assert "tog bort 1 överblivna uppladdningsfiler" in out.getvalue()
    assert not stale.exists()
    assert running.exists()
    assert uploads.remove_stale_uploads() == []
