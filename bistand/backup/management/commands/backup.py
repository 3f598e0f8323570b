"""``bistand backup``: make a backup, restore it into a fresh database, verify it.

- ``bistand backup create [--to DIR]``: database + files + manifest in one archive (0600, in a
  0700 folder, default ``var/backups``); prints the archive's path
- ``bistand backup restore ARCHIVE --database-url URL [--files-to DIR]``: checks the archive,
  restores into a new database, unpacks the files, then runs ``backup verify --database`` with
  ``DATABASE_URL`` pointing at the restored copy; exit 1 on any mismatch
- ``bistand backup verify ARCHIVE``: the archive's parts against its manifest (nothing restored)
- ``bistand backup verify --database [--files DIR] [--manifest FILE]``: the database
  ``DATABASE_URL`` names (a restored copy): audit chain, letters, attachments, migrations

Exit codes: 0 all well, 1 a mismatch, 2 the command could not run (bad argument, target not
fresh, pg_dump missing). See docs/backup.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bistand.backup import services
from bistand.backup.services import ArchiveMismatch, BackupError, Check


class Command(BaseCommand):
    help = "Säkerhetskopior: create, restore (till en ny databas), verify."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="create|restore|verify"
        )
        create = sub.add_parser(
            "create", help="Gör en säkerhetskopia (databas + filer + manifest)."
        )
        create.add_argument("--to", metavar="DIR", help="Mapp för arkivet (standard var/backups).")
        create.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="Behåll de N senaste arkiven i mappen (äldre tas bort efter en lyckad kopia).",
        )
        restore = sub.add_parser(
            "restore", help="Läs tillbaka en säkerhetskopia till en ny databas och kontrollera den."
        )
        restore.add_argument("archive", metavar="ARCHIVE")
        restore.add_argument(
            "--database-url",
            required=True,
            metavar="URL",
            help="Den nya databasen (postgres://… skapas om den saknas; sqlite:///… ny fil).",
        )
        restore.add_argument(
            "--files-to",
            metavar="DIR",
            help="Tom mapp för bilagor och betalfiler (utan: en tillfällig mapp, bara kontroll).",
        )
        verify = sub.add_parser(
            "verify", help="Kontrollera ett arkiv och/eller den återlästa databasen (--database)."
        )
        verify.add_argument("archive", nargs="?", metavar="ARCHIVE")
        verify.add_argument(
            "--database",
            action="store_true",
            help="Kontrollera databasen som DATABASE_URL pekar på (granskningskedja, brev, "
            "bilagor, migreringar).",
        )
        verify.add_argument("--files", metavar="DIR", help="De återlästa filerna (--files-to).")
        verify.add_argument(
            "--manifest", metavar="FILE", help="Manifestet (standard DIR/manifest.json)."
        )

    def handle(self, *args, subcommand: str, **options):
        try:
            getattr(self, f"_{subcommand}")(**options)
        except ArchiveMismatch as error:
            raise CommandError(str(error), returncode=1) from error
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from error

    def _create(self, *, to: str | None, keep: int | None, **options) -> None:
        if keep is not None and keep < 1:
            raise CommandError("--keep måste vara minst 1 / must be at least 1", returncode=2)
        archive = services.create_backup(to)
        manifest = services.read_manifest(archive)
        checks = services.verify_archive(archive)  # read back once: the disk has what we wrote
        if not all(c.ok for c in checks):
            raise CommandError(
                "\n".join(c.line() for c in checks) + "\nArkivet kunde inte läsas tillbaka / "
                "the archive does not read back",
                returncode=1,
            )
        self.stdout.write(
            f"Säkerhetskopian är klar / backup done: {archive}\n"
            f"  databas / database: {manifest['database']['vendor']}, "
            f"{manifest['counts']['audit_events']} granskningshändelser, "
            f"{manifest['counts']['letters']} beslutsbrev, "
            f"{len(manifest['migrations'])} migreringar\n"
            f"  filer / files: {manifest['files']['attachments']['files']} bilagor, "
            f"{manifest['files']['payments']['files']} betalfiler\n"
            f"  storlek / size: {archive.stat().st_size} byte, återläst och kontrollerad / "
            "read back and checked"
        )
        if keep:
            for old in services.prune(archive.parent, keep):
                self.stdout.write(f"  borttagen / removed: {old.name}")

    def _restore(self, *, archive: str, database_url: str, files_to: str | None, **options):
        restored = services.restore_backup(archive, database_url, files_to)
        for check in restored.archive_checks:
            self.stdout.write(check.line())
        self.stdout.write(
            f"Återläst / restored: databasen och filerna ({restored.files}). "
            "Kontrollerar kopian / verifying the copy …"
        )
        try:
            code, output = run_verify_subprocess(database_url, restored.files)
        finally:
            if files_to is None:
                shutil.rmtree(restored.files, ignore_errors=True)
        self.stdout.write(output.rstrip())
        if code != 0:
            raise CommandError(
                "Återläsningen stämmer INTE / the restore does NOT verify (se ovan / see above).",
                returncode=1,
            )

    def _verify(self, *, archive, database: bool, files, manifest, **options) -> None:
        if not archive and not database:
            raise CommandError(
                "ange ARCHIVE och/eller --database / give ARCHIVE or --database", returncode=2
            )
        checks: list[Check] = []
        loaded = None
        if archive:
            checks += services.verify_archive(archive)
            loaded = services.read_manifest(archive)
        if database:
            path = (
                Path(manifest) if manifest else (Path(files) / services.MANIFEST if files else None)
            )
            if path is not None and path.exists():
                loaded = json.loads(path.read_text())
            elif manifest:
                raise CommandError(f"manifestet {manifest} finns inte / not found", returncode=2)
            checks += services.verify_restored(files, loaded)
        for check in checks:
            self.stdout.write(check.line())
        failed = [c for c in checks if not c.ok]
        if failed:
            raise CommandError(
                f"{len(failed)} av {len(checks)} kontroller misslyckades / checks failed: "
                + ", ".join(c.name for c in failed),
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(f"Allt stämmer / everything matches ({len(checks)} kontroller).")
        )


def run_verify_subprocess(database_url: str, files: Path) -> tuple[int, str]:
    """``bistand backup verify --database`` in a new process whose DATABASE_URL is the copy."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["BISTAND_ATTACHMENT_ROOT"] = str(Path(files) / "attachments")
    env.pop("BISTAND_TEST_DB_NAME", None)
    env["BISTAND_LOG_LEVEL"] = "WARNING"  # the report, not the libraries' progress lines
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "bistand.cli",
            "backup",
            "verify",
            "--database",
            "--files",
            str(files),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    return done.returncode, done.stdout + done.stderr
