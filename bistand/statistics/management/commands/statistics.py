"""``bistand statistics socialstyrelsen --month YYYY-MM --out DIR``: the month's delivery of
ekonomiskt bistånd to Socialstyrelsen (docs/statistics.md).

Exit codes: 0 written; 2 wrong arguments; 3 blocked (the problems are listed, nothing is
written). With ``--allow-incomplete`` records with a problem are written with the field left
empty (exit 0, the summary says the delivery is incomplete); a delivery-level problem (no
kommunkod, no layout or code table for the month) blocks even then.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bistand.audit.services import Actor
from bistand.cases.models import Municipality
from bistand.rules.errors import InputError
from bistand.rules.period import Month
from bistand.statistics import services

BLOCKED = 3


class Command(BaseCommand):
    help = (
        "Månadsstatistik om ekonomiskt bistånd till Socialstyrelsen (HSLF-FS 2015:30): skriver "
        "månadens två filer (bistånd med försörjningshinder och insatser; avslutsorsaker) i "
        "katalogen, med filrättigheter 0600 eftersom de innehåller personnummer. Kontrollerar "
        "uppgifterna först och skriver inget om något saknas (utom med --allow-incomplete)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="delivery", required=True)
        socialstyrelsen = sub.add_parser(
            "socialstyrelsen", help="månadens leverans till Socialstyrelsen"
        )
        socialstyrelsen.add_argument("--month", required=True, help="månaden biståndet avser")
        socialstyrelsen.add_argument("--out", required=True, help="katalog att skriva filerna i")
        socialstyrelsen.add_argument(
            "--municipality", help="kommunens kod i Bistånd (behövs när det finns flera)"
        )
        socialstyrelsen.add_argument(
            "--allow-incomplete",
            action="store_true",
            help="skriv ändå: poster med fel lämnas med tomt fält (leveransen blir ofullständig)",
        )

    def handle(self, *args, **options):
        try:
            month = Month.parse(options["month"], "--month")
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        municipality = self._municipality(options.get("municipality"))
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out} finns och är ingen katalog", returncode=2)
        delivery = services.build(municipality, month)
        for line in services.summary_lines(delivery):
            self.stdout.write(line)
        if delivery.problems:
            self.stdout.write(
                f"{delivery.blocking_count} poster hindrar leveransen "
                f"({len(delivery.problems)} fel att rätta):"
            )
            for problem in delivery.problems:
                self.stdout.write(f"  - {problem}")
        if not delivery.may_write(allow_incomplete=options["allow_incomplete"]):
            raise CommandError(
                "Inga filer skrivna: rätta felen ovan och kör igen"
                + (
                    "."
                    if delivery.delivery_problems
                    else " (eller --allow-incomplete för att skriva en ofullständig leverans)."
                ),
                returncode=BLOCKED,
            )
        written = services.write(delivery, out, actor=Actor.system("statistics"))
        for item in written:
            self.stdout.write(f"skrev {item.path} ({item.records} poster, sha256 {item.sha256})")
        due = services.due_date(month)
        if delivery.complete:
            self.stdout.write(
                self.style.SUCCESS(f"Leveransen är klar; lämnas till Socialstyrelsen senast {due}.")
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "OFULLSTÄNDIG leverans: poster med fel har tomma fält. Rätta dem och skriv om "
                    f"leveransen; den lämnas senast {due}."
                )
            )

    def _municipality(self, code: str | None) -> Municipality:
        if code:
            found = Municipality.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"kommunen {code!r} finns inte", returncode=2)
            return found
        all_ = list(Municipality.objects.order_by("code")[:2])
        if len(all_) != 1:
            raise CommandError(
                "ange --municipality (det finns "
                + ("ingen kommun" if not all_ else "flera kommuner")
                + ")",
                returncode=2,
            )
        return all_[0]
