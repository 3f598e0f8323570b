"""``bistand followup keyfigures --year YYYY [--format json|csv] [--municipality CODE]``: the
Kolada-style key figures of a year (docs/followup.md), as the page's download gives them."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from bistand.cases.models import Municipality
from bistand.followup import keyfigures


class Command(BaseCommand):
    help = "Uppföljningens nyckeltal: `followup keyfigures --year ÅÅÅÅ [--format json|csv]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        figures = sub.add_parser("keyfigures", help="nyckeltal per år (Kolada) som JSON eller CSV")
        figures.add_argument("--year", type=int, required=True, help="kalenderår, ÅÅÅÅ")
        figures.add_argument("--format", choices=("json", "csv"), default="json")
        figures.add_argument(
            "--municipality", help="kommunens kod (behövs bara när det finns flera kommuner)"
        )

    def handle(self, *args, **options):
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
