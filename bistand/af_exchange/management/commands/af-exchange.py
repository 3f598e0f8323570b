"""``bistand af-exchange poll``: fetch Arbetsförmedlingen's new notices now (the worker does it
every ``AF_EXCHANGE_POLL_SECONDS``); ``bistand af-exchange send``: one sending run for every
queued notice to AF that is due; ``bistand af-exchange status``: the cursor and the failed
sends (docs/af_exchange.md). Output names notices by id, never a person by personnummer."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from bistand.af_exchange import exchange
from bistand.af_exchange.models import (
    AfExchangeCursor,
    AfNotice,
    OutgoingAfNotice,
    OutgoingStatus,
)


class Command(BaseCommand):
    help = (
        "Utbytet med Arbetsförmedlingen: `af-exchange poll` hämtar nya underrättelser, "
        "`af-exchange send` skickar köade underrättelser, `af-exchange status` visar läget."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("poll", help="hämta Arbetsförmedlingens nya underrättelser nu")
        sub.add_parser("send", help="skicka de köade underrättelserna till Arbetsförmedlingen")
        sub.add_parser("status", help="markör, senaste fel och misslyckade sändningar")

    def handle(self, *args, **options):
        getattr(self, options["what"])()

    def poll(self):
        result = exchange.poll()
        self.stdout.write(
            f"{result.stored} nya underrättelser ({result.unmatched} utan känd person), "
            f"{result.again} redan mottagna, {result.matched_later} kopplade i efterhand"
        )
        for error in result.errors:
            self.stderr.write(f"hämtningen misslyckades: {error}")

    def send(self):
        due = OutgoingAfNotice.objects.filter(status=OutgoingStatus.QUEUED).filter(
            Q(next_attempt_at=None) | Q(next_attempt_at__lte=timezone.now())
        )
        counts: dict[str, int] = {}
        for pk in list(due.values_list("pk", flat=True)):
            outcome = exchange.send(pk)
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        self.stdout.write(
            ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
            or "inget att skicka"
        )

    def status(self):
        for cursor in AfExchangeCursor.objects.select_related("municipality"):
            self.stdout.write(
                f"{cursor.municipality.name}: markör {cursor.cursor or '-'}, senast lyckad "
                f"{cursor.last_success_at or '-'}, fel i följd {cursor.failures_in_a_row}"
                + (f" ({cursor.last_error})" if cursor.last_error else "")
            )
        failed = OutgoingAfNotice.objects.filter(status=OutgoingStatus.FAILED).count()
        unmatched = AfNotice.objects.filter(person__isnull=True).count()
        self.stdout.write(
            f"misslyckade sändningar: {failed}; underrättelser utan person: {unmatched}"
        )
