"""``bistand report --month YYYY-MM``: the month in numbers, as JSON."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from bistand.followup.services import month_report
from bistand.rules.errors import InputError
from bistand.rules.period import Month


class Command(BaseCommand):
    help = (
        "Skriv månadens siffror som JSON: ansökningar per status, beslut (automatiserade, "
        "manuella), flaggor per kod, stickprov och dubbletter (beslut eller utbetalningar "
        "mer än en gång; tom lista när allt är rätt)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="ÅÅÅÅ-MM")

    def handle(self, *args, **options):
        try:
            month = str(Month.parse(options["month"], "--month"))
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(json.dumps(month_report(month), ensure_ascii=False, indent=2))
