"""``bistand serve``: the production web server (gunicorn), docs/operations.md.

The static files are brought up to date first: ``collectstatic`` runs when the sources
(the apps' ``static/`` folders) differ from what was collected last time, which is kept as a
fingerprint beside the manifest. A restart without changes costs nothing; an upgrade collects
once (about 15 s). With ``--no-collectstatic`` (a read-only STATIC_ROOT prepared elsewhere) it
refuses to start when they are missing or out of date, and says what to run.

Then the process becomes gunicorn (``exec``): systemd's signals reach gunicorn's master
directly, SIGTERM stops it gracefully.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

GUNICORN_CONFIG = "python:bistand.core.gunicorn_conf"
#: collectstatic's default ignore patterns.
IGNORE_PATTERNS = ["CVS", ".*", "*~"]
MANIFEST = "staticfiles.json"
STAMP = ".bistand-sources"


def sources_fingerprint() -> str:
    """A hash of every static file collectstatic would collect: its path and its content (the
    first finder to have a path wins, as in collectstatic)."""
    files: dict[str, str] = {}
    for finder in get_finders():
        for path, storage in finder.list(IGNORE_PATTERNS):
            prefix = getattr(storage, "prefix", None) or ""
            files.setdefault(os.path.join(prefix, path), storage.path(path))
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0")
        digest.update(Path(files[path]).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def static_files_state(root: Path, fingerprint: str) -> str:
    """``"current"``, ``"missing"`` (never collected) or ``"stale"`` (collected from other
    sources: an upgrade since)."""
    if not (root / MANIFEST).is_file():
        return "missing"
    stamp = root / STAMP
    if not stamp.is_file() or stamp.read_text().strip() != fingerprint:
        return "stale"
    return "current"


def ensure_static_files(*, collect: bool, stdout) -> None:
    root = Path(settings.STATIC_ROOT)
    fingerprint = sources_fingerprint()
    state = static_files_state(root, fingerprint)
    if state == "current":
        return
    if not collect:
        what = "are missing" if state == "missing" else "are out of date (the code has changed)"
        raise CommandError(
            f"The static files in {root} (BISTAND_STATIC_ROOT) {what}. Run "
            "`bistand collectstatic --noinput` as the server's user, or start `bistand serve` "
            "without --no-collectstatic."
        )
    stdout.write(f"collectstatic: static files {state}, collecting into {root}")
    call_command("collectstatic", interactive=False, verbosity=0)
    tmp = root / f"{STAMP}.{os.getpid()}"
    tmp.write_text(fingerprint + "\n")
    tmp.replace(root / STAMP)


def gunicorn_argv(*, workers: int, bind: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        GUNICORN_CONFIG,
        "--workers",
        str(workers),
        "--bind",
        bind,
    ]


class Command(BaseCommand):
    help = (
        "Startar produktionswebbservern (gunicorn) bakom en omvänd proxy som avslutar TLS. "
        "Samlar först de statiska filerna om de saknas eller är inaktuella."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("BISTAND_WEB_WORKERS", "2")),
            help="antal webbprocesser (standard 2, eller BISTAND_WEB_WORKERS)",
        )
        parser.add_argument(
            "--bind",
            default=os.environ.get("BISTAND_BIND", "127.0.0.1:8000"),
            help="adress:port att lyssna på (standard 127.0.0.1:8000, eller BISTAND_BIND)",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="kör inte collectstatic; vägra starta om de statiska filerna saknas/är inaktuella",
        )

    def handle(self, *args, **options):
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        ensure_static_files(collect=not options["no_collectstatic"], stdout=self.stdout)
        argv = gunicorn_argv(workers=options["workers"], bind=options["bind"])
        self.stdout.write(
            f"gunicorn: {options['workers']} workers on {options['bind']}", ending="\n"
        )
        self.stdout.flush()
        sys.stderr.flush()
        os.execv(argv[0], argv)  # noqa: S606 - becomes gunicorn; the arguments are ours
