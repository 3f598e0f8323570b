"""``bistand payments``: export the day's payment file (pain.001 + CSV), list batches."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from bistand.audit.services import Actor
from bistand.cases.models import Municipality
from bistand.payments import services
from bistand.payments.models import PaymentBatch

ACTOR = Actor.system("payments")


def kr(ore: int) -> str:
    """``1 234,50 kr``"""
    whole = f"{ore // 100:,}".replace(",", " ")
    return f"{whole},{ore % 100:02d} kr"


class Command(BaseCommand):
    help = (
        "Utbetalningar: export (skriv dagens betalningsfil, pain.001 och CSV), "
        "list (visa betalningsfilerna)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="skriv betalningsfilen för en utbetalningsdag")
        export.add_argument("--date", required=True, help="utbetalningsdag, ÅÅÅÅ-MM-DD")
        export.add_argument(
            "--municipality", help="kommunens kod (standard: varje kommun, en fil var)"
        )
        listing = sub.add_parser("list", help="visa de senaste betalningsfilerna")
        listing.add_argument("--municipality", help="kommunens kod")
        listing.add_argument("--limit", type=int, default=20)

    def handle(self, *args, **options):
        getattr(self, f"do_{options['action']}")(options)

    def _municipalities(self, code: str | None) -> list[Municipality]:
        if code is None:
            found = list(Municipality.objects.order_by("code"))
            if not found:
                raise CommandError("det finns ingen kommun i databasen", returncode=2)
            return found
        try:
            return [Municipality.objects.get(code=code)]
        except Municipality.DoesNotExist:
            raise CommandError(f"ingen kommun med koden {code!r}", returncode=2) from None

    def do_export(self, options):
        try:
            day = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(
                f"--date ska vara ett datum som ÅÅÅÅ-MM-DD, inte {options['date']!r}",
                returncode=2,
            ) from None
        municipalities = self._municipalities(options["municipality"])
        for municipality in municipalities:
            try:
                result = services.export_batch(municipality, day, actor=ACTOR)
            except services.ExportError as error:
                raise CommandError(str(error), returncode=2) from None
            self._report(municipality, day, result)

    def _report(self, municipality, day, result: services.ExportResult) -> None:
        out = self.stdout.write
        for batch in result.completed:
            out(
                f"{municipality}: betalningsfil {batch.pk} från ett avbrutet tidigare försök "
                "är nu skriven färdigt"
            )
        batch = result.batch
        if batch is None:
            out(f"{municipality}, utbetalningsdag {day}: inga nya betalningar att skicka")
        else:
            if services.uses_demo_account(batch):
                self.stderr.write(
                    "Varning: betalningsfilen har demovärden för kommunens konto "
                    "(PAYMENT_DEBTOR_ACCOUNT, PAYMENT_DEBTOR_BIC) – den går inte att skicka "
                    "till en bank."
                )
            out(
                f"{municipality}, utbetalningsdag {day}: betalningsfil {batch.pk} "
                f"(löpnummer {batch.sequence}, MsgId {batch.message_id})"
            )
            out(f"  pain.001: {result.xml_path}")
            out(f"  CSV:      {result.csv_path}")
            out(
                f"  {batch.order_count} betalningar, summa {kr(batch.total_ore)}, "
                f"SHA-256 {batch.xml_sha256}"
            )
        if result.skipped:
            out(f"  Väntar kvar, inte med i filen ({len(result.skipped)}):")
            for s in result.skipped:
                out(
                    f"    betalning {s.order_id} (ärende {s.case_reference}, "
                    f"{kr(s.amount_ore)}, utbetalningsdag {s.due_date}): {s.reason}"
                )

    def do_list(self, options):
        batches = PaymentBatch.objects.select_related("municipality").order_by("-pk")
        if options["municipality"]:
            municipality = self._municipalities(options["municipality"])[0]
            batches = batches.filter(municipality=municipality)
        for batch in batches[: max(options["limit"], 0)]:
            self.stdout.write(
                f"{batch.pk:>6}  {batch.municipality.code}  {batch.execution_date}  "
                f"nr {batch.sequence}  {batch.get_status_display()}  "
                f"{batch.order_count} st  {kr(batch.total_ore)}  {batch.xml_sha256}"
            )
