"""``bistand followup refresh [--month YYYY-MM …]``: recompute the precomputed monthly figures
from the raw data (all months with data, or the months given); ``bistand followup keyfigures
--year YYYY [--format json|csv] [--municipality CODE]``: the Kolada-style key figures of a year
(docs/followup.md), as the page's download gives them."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from bistand.cases.models import Municipality
from bistand.followup import aggregates, keyfigures
from bistand.rules.errors import InputError
from bistand.rules.period import Month


class Command(BaseCommand):
    help = (
        "Uppföljningen: `followup refresh` räknar om månadssiffrorna ur ärendena; "
        "`followup keyfigures --year ÅÅÅÅ [--format json|csv]` skriver årets nyckeltal."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        refresh = sub.add_parser("refresh", help="räkna om månadssiffrorna ur ärendena")
        refresh.add_argument(
            "--month",
            action="append",
            help="bara den här månaden, ÅÅÅÅ-MM (kan upprepas); utan: alla månader med data",
        )
        figures = sub.add_parser("keyfigures", help="nyckeltal per år (Kolada) som JSON eller CSV")
        figures.add_argument("--year", type=int, required=True, help="kalenderår, ÅÅÅÅ")
        figures.add_argument("--format", choices=("json", "csv"), default="json")
        figures.add_argument(
            "--municipality", help="kommunens kod (behövs bara när det finns flera kommuner)"
        )

    def handle(self, *args, **options):
        if options["what"] == "refresh":
            self.refresh(options)
        else:
            self.keyfigures(options)

    def refresh(self, options):
        months = None
        if options["month"]:
            try:
                months = sorted({str(Month.parse(m, "--month")) for m in options["month"]})
            except InputError as exc:
                raise CommandError(str(exc), returncode=2) from None
        began = time.perf_counter()
        written = aggregates.refresh(months=months, log=self.stdout.write)
        self.stdout.write(
            f"{written} rader med månadssiffror skrivna på {time.perf_counter() - began:.1f} s"
        )

    def keyfigures(self, options):
        year = options["year"]
        if not 1900 <= year <= 9999:
            raise CommandError("--year ska vara ett år, ÅÅÅÅ", returncode=2)
        municipalities = Municipality.objects.order_by("code")
        if options["municipality"]:
            municipalities = municipalities.filter(code=options["municipality"])
        found = list(municipalities[:2])
        if not found:
            raise CommandError("ingen sådan kommun", returncode=2)
        if len(found) > 1:
            raise CommandError("flera kommuner: ange --municipality KOD", returncode=2)
        figures = keyfigures.compute(found[0].pk, year)
        if options["format"] == "csv":
            # The same bytes as the download: UTF-8 with a BOM, semicolons, CRLF.
            self.stdout.write(keyfigures.as_csv(figures).decode("utf-8"), ending="")
        else:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
