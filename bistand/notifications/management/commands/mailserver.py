"""``bistand mailserver``: the local SMTP stand-in for development (bistand/notifications/
mailstore.py). Each message it receives becomes a file in var/mail/; ``bistand mail`` reads
them."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from bistand.notifications import mailstore


class Command(BaseCommand):
    help = (
        "Lokal SMTP-server för utveckling: sparar varje mejl i var/mail/ (läs med `bistand mail`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--dir", default=str(settings.VAR_DIR / "mail"))

    def handle(self, *args, **options):
        controller = mailstore.start(options["dir"], options["port"])
        self.stdout.write(
            f"SMTP på 127.0.0.1:{options['port']}, mejlen sparas i {options['dir']} "
            "(läs dem med `bistand mail`)"
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
