"""Backups that restore: one archive with the database, the files and a manifest.

An archive ``bistand-backup-<UTC time>.tar`` (mode 0600, in a 0700 folder) holds:

- ``manifest.json``: when, what, the database kind, its applied migrations, the audit log's
  head when the backup began, and the SHA-256 and size of each other part;
- ``database.pgdump`` (``pg_dump --format=custom``: one consistent snapshot while the system
  runs) or ``database.sqlite3`` (SQLite's online backup API, consistent while the app writes);
- ``files.tar``: ``attachments/`` (``ATTACHMENT_ROOT``) and ``payments/`` (``VAR_DIR/payments``).
  Decision letters are in the database (``DecisionLetter.pdf``), so they travel with it.

The database is copied first, then the files: an attachment's file is written before its row
commits, so every row in the snapshot has its file in the archive (a file uploaded during the
backup may be there without its row, which is harmless).

``restore_backup`` checks each part against the manifest, restores the database into a fresh
one, unpacks the files and writes the manifest beside them. ``verify_restored`` then checks the
database the process is connected to: the audit chain (``bistand audit verify``, holding the
head recorded at backup time), every letter's hash (and the hash the audit log recorded when it
was archived), every attachment's SHA-256 against its row, and the applied migrations against
the manifest. See docs/backup.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from bistand.core.private import DIR_MODE, FILE_MODE, private_dir

FORMAT_VERSION = 1
ARCHIVE_PREFIX = "bistand-backup-"
MANIFEST = "manifest.json"
FILES_PART = "files.tar"
DB_PARTS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why (Swedish / English)."""


class ArchiveMismatch(BackupError):
    """A part of the archive does not match its manifest: damaged or altered."""


@dataclass
class Check:
    """One line of a verification report."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"[{'OK' if self.ok else 'FEL'}] {self.name}: {self.detail}"


# --- Creating --------------------------------------------------------------------------------


def default_backup_dir() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def create_backup(to: Path | str | None = None) -> Path:
    """Back up the default database and the files into a new archive in ``to``; its path."""
    directory = private_dir(Path(to) if to else default_backup_dir())
    connection = connections["default"]
    vendor = connection.vendor
    if vendor not in DB_PARTS:
        raise BackupError(f"databastypen {vendor} stöds inte / database kind not supported")
    started = dt.datetime.now(dt.UTC)
    work = Path(tempfile.mkdtemp(prefix=".bistand-backup-", dir=directory))  # 0700
    try:
        database_part = work / DB_PARTS[vendor]
        if vendor == "postgresql":
            state = database_state(connection)
            _pg_dump(connection.settings_dict, database_part)
        else:
            _sqlite_copy(Path(connection.settings_dict["NAME"]), database_part)
            state = sqlite_state(database_part)
        files = _tar_files(work / FILES_PART)
        parts = {
            name: {"sha256": sha256_file(work / name), "bytes": (work / name).stat().st_size}
            for name in (database_part.name, FILES_PART)
        }
        manifest = {
            "format": FORMAT_VERSION,
            "kind": "bistand-backup",
            "started_at": started.isoformat(timespec="seconds"),
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {
                "vendor": vendor,
                "name": _shown_name(connection.settings_dict, vendor),
                "part": database_part.name,
                "method": "pg_dump --format=custom"
                if vendor == "postgresql"
                else "sqlite3 online backup",
            },
            "migrations": state["migrations"],
            "audit_head": state["audit_head"],
            "counts": state["counts"],
            "files": files,
            "letters": "in the database (DecisionLetter.pdf)",
            "parts": parts,
        }
        stamp = started.strftime("%Y%m%dT%H%M%SZ")
        archive = directory / f"{ARCHIVE_PREFIX}{stamp}.tar"
        if archive.exists():
            raise BackupError(f"{archive} finns redan / already exists")
        partial = directory / f".{archive.name}.partial"
        with _private_writer(partial) as handle, tarfile.open(fileobj=handle, mode="w") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
            for name in parts:
                tar.add(work / name, arcname=name, recursive=False, filter=_private_member)
        os.replace(partial, archive)
        return archive
    finally:
        shutil.rmtree(work, ignore_errors=True)


def prune(directory: Path | str, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest archives in ``directory``; the removed paths."""
    archives = sorted(Path(directory).glob(f"{ARCHIVE_PREFIX}*.tar"), reverse=True)
    removed = archives[keep:] if keep > 0 else []
    for old in removed:
        old.unlink()
    return removed


def database_state(connection) -> dict[str, Any]:
    """Applied migrations, the audit head and a few counts, read through ``connection``."""
    with connection.cursor() as cursor:
        return _state_from_cursor(cursor)


def sqlite_state(path: Path) -> dict[str, Any]:
    """The same, read from a SQLite file (the consistent copy just made)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _state_from_cursor(db.cursor())
    finally:
        db.close()


def _state_from_cursor(cursor) -> dict[str, Any]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    cursor.execute("SELECT sequence, hash FROM audit_auditchainhead")
    row = cursor.fetchone()
    counts = {}
    for key, table in (
        ("audit_events", "audit_auditevent"),
        ("letters", "letters_decisionletter"),
        ("attachments", "eservice_attachment"),
        ("decisions", "decisions_decision"),
    ):
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
        counts[key] = cursor.fetchone()[0]
    return {
        "migrations": migrations,
        "audit_head": {"sequence": row[0], "hash": row[1]} if row else None,
        "counts": counts,
    }


def _shown_name(settings_dict: dict[str, Any], vendor: str) -> str:
    """The database's name for the manifest, never its password."""
    if vendor == "sqlite":
        return str(settings_dict["NAME"])
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"{settings_dict.get('USER') or ''}@{host}:{port}/{settings_dict['NAME']}"


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for a Django PostgreSQL entry: no password on a command line."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    options = settings_dict.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} saknas / not found: install the PostgreSQL client "
            "(Debian: postgresql-client) of the server's major version or newer"
        )
    done = subprocess.run(  # noqa: S603 - fixed programs, arguments from settings
        command, env=env, capture_output=True, text=True, umask=0o077
    )
    if done.returncode != 0:
        raise BackupError(
            f"{command[0]} misslyckades / failed (exit {done.returncode}): {done.stderr.strip()}"
        )


def _pg_dump(settings_dict: dict[str, Any], target: Path) -> None:
    _run(
        ["pg_dump", "--format=custom", "--no-password", f"--file={target}"],
        _pg_env(settings_dict),
    )
    target.chmod(FILE_MODE)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while the application writes."""
    if not source.exists():
        raise BackupError(f"databasen {source} finns inte / does not exist")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=20)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()


def file_roots() -> dict[str, Path]:
    """What goes into files.tar: folder name in the archive → folder on this machine."""
    return {
        "attachments": Path(settings.ATTACHMENT_ROOT),
        "payments": Path(settings.VAR_DIR) / "payments",
    }


def _skipped(relative: Path) -> bool:
    """Uploads being received and payment files not yet published are not state."""
    return relative.parts[:1] == (".uploads",) or relative.name.endswith(".partial")


def _tar_files(target: Path) -> dict[str, dict[str, int]]:
    summary = {}
    with _private_writer(target) as handle, tarfile.open(fileobj=handle, mode="w") as tar:
        for name, root in file_roots().items():
            count = size = 0
            _add_dir(tar, name)
            if root.is_dir():
                for folder, dirs, files in os.walk(root):
                    dirs.sort()
                    here = Path(folder)
                    for d in dirs:
                        relative = (here / d).relative_to(root)
                        if not _skipped(relative):
                            _add_dir(tar, f"{name}/{relative}")
                    dirs[:] = [d for d in dirs if not _skipped((here / d).relative_to(root))]
                    for f in sorted(files):
                        relative = (here / f).relative_to(root)
                        if _skipped(relative) or not (here / f).is_file():
                            continue
                        tar.add(here / f, arcname=f"{name}/{relative}", filter=_private_member)
                        count += 1
                        size += (here / f).stat().st_size
            summary[name] = {"files": count, "bytes": size}
    return summary


def _private_member(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode = DIR_MODE if info.isdir() else FILE_MODE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _add_dir(tar: tarfile.TarFile, name: str) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = DIR_MODE
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info)


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = FILE_MODE
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(content))


class _private_writer:
    """A new file opened for writing with mode 0600 whatever the umask; fsynced on close."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        self.handle = os.fdopen(fd, "wb")
        return self.handle

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                self.handle.flush()
                os.fsync(self.handle.fileno())
        finally:
            self.handle.close()
        if exc[0] is not None:
            self.path.unlink(missing_ok=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


# --- Checking an archive ---------------------------------------------------------------------


def read_manifest(archive: Path | str) -> dict[str, Any]:
    try:
        with tarfile.open(archive, mode="r") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(
            f"{archive}: inget läsbart manifest / no readable manifest ({error})"
        ) from error
    if manifest.get("kind") != "bistand-backup" or manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{archive}: inte en Bistånd-säkerhetskopia / not a Bistånd backup")
    return manifest


def verify_archive(archive: Path | str) -> list[Check]:
    """Each part of the archive against the SHA-256 its manifest recorded (nothing restored)."""
    manifest = read_manifest(archive)
    checks = []
    with tarfile.open(archive, mode="r") as tar:
        for name, expected in manifest["parts"].items():
            try:
                member = tar.extractfile(name)
            except KeyError:
                member = None
            if member is None:
                checks.append(Check(f"del / part {name}", False, "saknas / missing"))
                continue
            digest = hashlib.sha256()
            while block := member.read(CHUNK):
                digest.update(block)
            ok = digest.hexdigest() == expected["sha256"]
            checks.append(
                Check(
                    f"del / part {name}",
                    ok,
                    f"SHA-256 stämmer / matches ({expected['bytes']} byte)"
                    if ok
                    else "SHA-256 stämmer inte med manifestet – kopian är skadad eller ändrad / "
                    "does not match the manifest: the copy is damaged or altered",
                )
            )
    return checks


# --- Restoring -------------------------------------------------------------------------------


@dataclass
class Restored:
    database_url: str
    files: Path
    manifest: dict[str, Any]
    archive_checks: list[Check]


def restore_backup(
    archive: Path | str, database_url: str, files_to: Path | str | None = None
) -> Restored:
    """Restore ``archive`` into the fresh database ``database_url`` and its files into
    ``files_to`` (a temporary folder under VAR_DIR when None: the caller removes it).

    Raises ``BackupError`` when a part does not match its manifest (nothing is restored then)
    or the target is not fresh."""
    from bistand.dburl import parse_database_url

    archive = Path(archive)
    manifest = read_manifest(archive)
    checks = verify_archive(archive)
    if not all(c.ok for c in checks):
        raise ArchiveMismatch(
            "kopian stämmer inte med sitt manifest, inget har återlästs / the archive does not "
            "match its manifest, nothing was restored:\n" + "\n".join(c.line() for c in checks)
        )
    try:
        target = parse_database_url(database_url, base_dir=settings.BASE_DIR)
    except ValueError as error:
        raise BackupError(str(error)) from error
    vendor = manifest["database"]["vendor"]
    target_vendor = "postgresql" if "postgresql" in target["ENGINE"] else "sqlite"
    if vendor != target_vendor:
        raise BackupError(
            f"kopian är en {vendor}-databas, målet är {target_vendor} / the backup is "
            f"{vendor}, the target {target_vendor}: restore into the same kind"
        )
    if files_to is None:
        files = Path(tempfile.mkdtemp(prefix=".restore-", dir=private_dir(settings.VAR_DIR)))
    else:
        files = private_dir(files_to)
        taken = [n for n in (*file_roots(), MANIFEST) if (files / n).exists()]
        if taken:
            raise BackupError(
                f"{files} innehåller redan / already holds {', '.join(taken)}: choose an empty "
                "folder"
            )
    target_file = Path(target["NAME"])
    if vendor == "sqlite" and target_file.exists() and target_file.stat().st_size > 0:
        raise BackupError(f"{target['NAME']} finns redan / already exists: restore into a new file")
    work = Path(tempfile.mkdtemp(prefix=".unpack-", dir=files))
    try:
        with tarfile.open(archive, mode="r") as tar:
            tar.extractall(
                work, members=[tar.getmember(n) for n in manifest["parts"]], filter="data"
            )
        database_part = work / manifest["database"]["part"]
        if vendor == "postgresql":
            _pg_restore(target, database_part)
        else:
            _sqlite_restore(database_part, Path(target["NAME"]))
        with tarfile.open(work / FILES_PART, mode="r") as tar:
            tar.extractall(files, filter="data")
        _tighten_tree(files)
        with _private_writer(files / MANIFEST) as handle:
            handle.write(json.dumps(manifest, indent=2, ensure_ascii=False).encode())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Restored(database_url, files, manifest, checks)


def _tighten_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        os.chmod(folder, DIR_MODE)
        for f in files:
            os.chmod(Path(folder) / f, FILE_MODE)


def _pg_restore(target: dict[str, Any], dump: Path) -> None:
    _ensure_fresh_pg(target)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={target['NAME']}",
            str(dump),
        ],
        _pg_env(target),
    )


def _ensure_fresh_pg(target: dict[str, Any]) -> None:
    """Create the target database if it does not exist; refuse one that holds tables."""
    import psycopg
    from psycopg import sql

    params = {
        "host": target.get("HOST") or None,
        "port": target.get("PORT") or None,
        "user": target.get("USER") or None,
        "password": target.get("PASSWORD") or None,
    }
    params = {k: v for k, v in params.items() if v}
    options = target.get("OPTIONS") or {}
    params.update({k: options[k] for k in ("sslmode", "sslrootcert") if options.get(k)})
    name = target["NAME"]
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            if not admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone():
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                return
    except psycopg.OperationalError:
        pass  # no maintenance database for this role: the target must exist already
    try:
        with psycopg.connect(dbname=name, **params) as db:
            tables = db.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()[0]
    except psycopg.OperationalError as error:
        raise BackupError(
            f"databasen {name} kan inte öppnas / cannot be opened: {error}"
        ) from error
    if tables:
        raise BackupError(
            f"databasen {target['NAME']} har redan {tables} tabeller / already has tables: "
            "restore into a new, empty database"
        )


def _sqlite_restore(copy: Path, target: Path) -> None:
    private_dir(target.parent)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    src = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


# --- Verifying a restored copy ---------------------------------------------------------------


def verify_restored(files: Path | str | None, manifest: dict[str, Any] | None) -> list[Check]:
    """Check the database this process is connected to (a restored copy) and its files."""
    files = Path(files) if files else None
    checks = [_check_audit(manifest), _check_letters()]
    checks.append(_check_attachments(files / "attachments" if files else None))
    if manifest is not None:
        checks.append(_check_migrations(manifest))
        if files is not None:
            checks.append(_check_payment_files(files / "payments", manifest))
    return checks


def _check_audit(manifest: dict[str, Any] | None) -> Check:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    arguments = ["audit", "verify"]
    head = (manifest or {}).get("audit_head")
    if head and head["sequence"]:
        arguments += ["--anchor", f"{head['sequence']}:{head['hash']}"]
    out = io.StringIO()
    name = "granskningskedjan / audit chain (bistand audit verify)"
    try:
        call_command(*arguments, stdout=out, no_color=True)
    except CommandError as error:
        return Check(name, False, str(error))
    detail = out.getvalue().strip()
    if head and head["sequence"]:
        detail += f" Huvudet vid säkerhetskopieringen (nr {head['sequence']}) finns kvar."
    return Check(name, True, detail)


def _check_letters() -> Check:
    from bistand.audit.models import AuditEvent
    from bistand.letters.models import DecisionLetter

    logged = {}
    for data in AuditEvent.objects.filter(action="letter.archived").values_list("data", flat=True):
        if isinstance(data, dict) and "letter" in data:
            logged[data["letter"]] = data.get("sha256")
    checked = 0
    bad: list[str] = []
    letters = DecisionLetter.objects.only("pk", "sha256", "pdf").order_by("pk")
    for letter in letters.iterator(chunk_size=200):
        checked += 1
        if not letter.pdf_matches_hash():
            bad.append(f"brev {letter.pk}: PDF:en stämmer inte med sin hash / PDF ≠ its hash")
        elif letter.pk in logged and logged[letter.pk] != letter.sha256:
            bad.append(
                f"brev {letter.pk}: hashen skiljer sig från granskningsloggens / "
                "hash differs from the audit log's"
            )
    name = "beslutsbrev / decision letters"
    if bad:
        shown = "; ".join(bad[:10]) + (f" … och {len(bad) - 10} till" if len(bad) > 10 else "")
        return Check(name, False, f"{len(bad)} av {checked} stämmer inte: {shown}")
    return Check(name, True, f"alla {checked} stämmer med sina hashvärden / all match")


def _check_attachments(root: Path | None) -> Check:
    from bistand.eservice.models import Attachment

    name = "bilagor / attachments"
    if root is None:
        root = Path(settings.ATTACHMENT_ROOT)
    checked = 0
    bad: list[str] = []
    for pk, path, expected in Attachment.objects.order_by("pk").values_list("pk", "file", "sha256"):
        checked += 1
        file = root / path
        if not file.is_file():
            bad.append(f"bilaga {pk}: filen saknas / file missing")
        elif sha256_file(file) != expected:
            bad.append(f"bilaga {pk}: SHA-256 stämmer inte / does not match")
    if bad:
        shown = "; ".join(bad[:10]) + (f" … och {len(bad) - 10} till" if len(bad) > 10 else "")
        return Check(name, False, f"{len(bad)} av {checked} stämmer inte: {shown}")
    return Check(name, True, f"alla {checked} finns och stämmer / all present and matching")


def _check_migrations(manifest: dict[str, Any]) -> Check:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = {f"{app}.{name}" for app, name in cursor.fetchall()}
    expected = set(manifest["migrations"])
    name = "migreringar / migrations"
    if applied == expected:
        return Check(name, True, f"samma {len(applied)} som i säkerhetskopian / same as backed up")
    missing, extra = sorted(expected - applied), sorted(applied - expected)
    return Check(
        name, False, f"skiljer sig / differ: saknas / missing {missing[:5]}, extra {extra[:5]}"
    )


def _check_payment_files(root: Path, manifest: dict[str, Any]) -> Check:
    expected = manifest["files"]["payments"]["files"]
    found = sum(1 for p in root.rglob("*") if p.is_file()) if root.is_dir() else 0
    ok = found == expected
    return Check(
        "betalfiler / payment files",
        ok,
        f"{found} av {expected} återlästa / restored",
    )
