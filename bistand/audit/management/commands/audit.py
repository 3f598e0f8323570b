"""``bistand audit``: check and read the audit log.

- ``bistand audit verify [--anchor NR:HASH]``: exit 0 if the hash chain is intact (and still
  holds the head exported earlier), else 1 and the first broken event
- ``bistand audit tail [-n 20]``: the newest events, without their data values
- ``bistand audit head``: the last event's number, hash and time, to keep somewhere else
- ``bistand audit export [--since 2026-01-01]``: events as JSON lines, hashes included
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from bistand.audit.chain import timestamp_text
from bistand.audit.models import AuditEvent
from bistand.audit.services import verify_chain


class Command(BaseCommand):
    help = "Granskningsloggen: verify (kontrollera kedjan), tail, head, export."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="verify|tail|head|export"
        )
        verify = subcommands.add_parser(
            "verify", help="Kontrollera hela hashkedjan (exit 1 om den är bruten)."
        )
        verify.add_argument(
            "--anchor",
            metavar="NR:HASH",
            type=_anchor,
            help="Ett tidigare exporterat huvud (från `audit head`) som ska finnas oförändrat.",
        )
        tail = subcommands.add_parser(
            "tail", help="Visa de senaste händelserna (utan uppgifternas värden)."
        )
        tail.add_argument("-n", "--lines", type=int, default=20, help="Hur många (standard 20).")
        subcommands.add_parser("head", help="Visa senaste händelsens nummer och hash.")
        export = subcommands.add_parser("export", help="Skriv händelserna som JSON-rader.")
        export.add_argument("--since", help="Från och med datum eller tidpunkt (ISO 8601).")

    def handle(self, *args, subcommand: str, **options):
        getattr(self, f"_{subcommand}")(**options)

    def _verify(self, *, anchor: tuple[int, str] | None, **options) -> None:
        result = verify_chain(anchor=anchor)
        if not result.ok:
            raise CommandError(
                f"Granskningskedjan är bruten efter {result.checked} kontrollerade "
                f"händelser: {result.reason}",
                returncode=1,
            )
        if result.checked == 0:
            self.stdout.write("Granskningskedjan är intakt: loggen är tom.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Granskningskedjan är intakt: {result.checked} händelser kontrollerade, "
                f"senaste nr {result.last_sequence} med hash {result.last_hash}."
            )
        )

    def _tail(self, *, lines: int, **options) -> None:
        if lines < 1:
            raise CommandError("-n måste vara minst 1", returncode=2)
        events = list(AuditEvent.objects.order_by("-sequence")[:lines])
        for event in reversed(events):
            when = timezone.localtime(event.created_at).isoformat(timespec="seconds")
            case = f"ärende {event.case_id}" if event.case_id is not None else "-"
            keys = ",".join(sorted(event.data)) if event.data else "-"
            self.stdout.write(
                f"{event.sequence}\t{when}\t{event.actor}\t{event.action}\t{case}\t"
                f"{event.subject or '-'}\t[{keys}]"
            )

    def _head(self, **options) -> None:
        last = AuditEvent.objects.order_by("-sequence").first()
        if last is None:
            self.stdout.write("0 " + "0" * 64)
            return
        self.stdout.write(f"{last.sequence} {last.hash} {timestamp_text(last.created_at)}")

    def _export(self, *, since: str | None, **options) -> None:
        events = AuditEvent.objects.order_by("sequence")
        if since:
            events = events.filter(created_at__gte=_moment(since))
        for event in events.iterator(chunk_size=2000):
            line = {**event.content(), "prev_hash": event.prev_hash, "hash": event.hash}
            self.stdout.write(json.dumps(line, ensure_ascii=False, sort_keys=True))


def _anchor(text: str) -> tuple[int, str]:
    number, _, digest = text.partition(":")
    if not number.isdigit() or int(number) < 1 or not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
        raise argparse.ArgumentTypeError("skriv NR:HASH, t.ex. 120:<64 hexsiffror>")
    return int(number), digest


def _moment(text: str) -> dt.datetime:
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise CommandError(
                f"--since: {text!r} är varken ett datum eller en tidpunkt", returncode=2
            )
        moment = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
