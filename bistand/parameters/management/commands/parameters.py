"""``bistand parameters status|dry-run``: are the parameters ready, and what would a new
version change in the month's pending proposals?"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bistand.parameters import services
from bistand.rules.errors import InputError, ParameterFileError
from bistand.rules.explain import month_sv
from bistand.rules.money import format_kr, from_ore
from bistand.rules.parameters import default_store
from bistand.rules.period import Month
from bistand.rules.readiness import HOW_TO, MISSING, STATUS_SV, month_of, next_month, status


def _kr(ore: int | None, signed: bool = False) -> str:
    if ore is None:
        return "–"
    text = format_kr(from_ore(ore))
    return f"+{text}" if signed and ore > 0 else text


class Command(BaseCommand):
    help = (
        "Parametrar: status (vilka tabeller har värden för månaden; felkod 1 om en månad som "
        "snart behövs saknar värden), dry-run (provkör en ny parameterversion mot månadens "
        "väntande beslutsförslag, utan att ändra något)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        state = sub.add_parser("status", help="tabellernas status för månaden")
        state.add_argument(
            "--month", help="ÅÅÅÅ-MM (standard: den här och nästa månad)", default=None
        )
        dry = sub.add_parser("dry-run", help="provkör en ny parameterfil mot väntande förslag")
        dry.add_argument("files", nargs="+", metavar="FILE", help="YAML-fil(er) med tabellen")
        dry.add_argument("--month", required=True, help="ÅÅÅÅ-MM")
        dry.add_argument("--json", action="store_true", help="resultatet som JSON")

    def handle(self, *args, **options):
        if options["action"] == "status":
            self.do_status(options)
        else:
            self.do_dry_run(options)

    def _month(self, raw: str) -> Month:
        try:
            return Month.parse(raw, "--month")
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def do_status(self, options) -> None:
        if options["month"]:
            months = [self._month(options["month"])]
        else:
            this = month_of(services.today())
            months = [this, next_month(this)]
        store = default_store()
        missing: list[str] = []
        for month in months:
            self.stdout.write(f"Parametrar för {month_sv(str(month))} ({month}):")
            for table in status(store, month):
                version = f"  version från {table.version.valid_from}" if table.version else ""
                self.stdout.write(
                    f"  {STATUS_SV[table.status]:<24} {table.table:<34} {table.title}{version}"
                )
                if table.status == MISSING:
                    missing.append(f"{table.table} ({month})")
            self.stdout.write("")
        if missing:
            raise CommandError(f"värden saknas: {', '.join(missing)}. Se {HOW_TO}.", returncode=1)
        self.stdout.write("Alla tabeller som behövs har värden.")

    def do_dry_run(self, options) -> None:
        month = str(self._month(options["month"]))
        files = [Path(f) for f in options["files"]]
        try:
            run = services.dry_run(files, month)
        except ParameterFileError as exc:
            raise CommandError(f"parameterfilen är ogiltig: {exc}", returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(run.to_json(), ensure_ascii=False, indent=2))
            return
        s = run.summary()
        self.stdout.write(
            f"Provkörning för {month_sv(month)} med {', '.join(run.files)}: "
            f"{s['pending']} beslutsförslag väntar på beslut."
        )
        self.stdout.write(
            f"Ändrade belopp: {s['changed']} (oförändrade {s['unchanged']}, nu beräkningsbara "
            f"{s['newly_calculable']}, kan inte beräknas {s['failing']})."
        )
        if s["changed"]:
            self.stdout.write(
                f"Summa förändring {_kr(s['total_change_ore'], True)}; minsta "
                f"{_kr(s['min_change_ore'], True)}, största {_kr(s['max_change_ore'], True)}."
            )
        for item in run.items:
            line = f"  ansökan {item.application_id}: {_kr(item.before_ore)} → "
            if item.after_ore is None:
                line += f"kan inte beräknas: {item.error}"
            else:
                line += _kr(item.after_ore)
                if item.change_ore is not None:
                    line += f" ({_kr(item.change_ore, True)})"
            self.stdout.write(line)
        self.stdout.write("Ingenting har ändrats (provkörning).")
