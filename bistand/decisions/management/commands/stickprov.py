"""``bistand stickprov``: draw the month's after-control sample and record control outcomes."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from bistand.audit.services import Actor
from bistand.cases.models import Municipality
from bistand.decisions import stickprov
from bistand.decisions.models import ControlOutcome, StickprovControl
from bistand.rules.errors import InputError
from bistand.rules.period import Month

OPERATOR = Actor.system("operator")


class Command(BaseCommand):
    help = "Stickprov: draw (dra månadens urval), control (registrera utfall), list (visa urvalet)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        draw = sub.add_parser("draw", help="dra månadens stickprov")
        draw.add_argument("--month", required=True)
        draw.add_argument("--municipality", required=True, help="kommunens kod")
        draw.add_argument(
            "--percent", type=int, help="andel i procent (standard: kommunens inställning)"
        )
        draw.add_argument(
            "--seed", help="frö för att upprepa en dragning (standard: slumpas och sparas)"
        )
        control = sub.add_parser("control", help="registrera utfallet av en kontroll")
        control.add_argument("--decision", type=int, required=True, help="beslutets id")
        control.add_argument(
            "--outcome",
            required=True,
            choices=[o for o in ControlOutcome.values if o != ControlOutcome.PENDING],
        )
        control.add_argument("--note", default="")
        listing = sub.add_parser("list", help="visa månadens urval och utfall som JSON")
        listing.add_argument("--month", required=True)
        listing.add_argument("--municipality", required=True)

    def handle(self, *args, **options):
        getattr(self, f"do_{options['action']}")(options)

    def _month(self, options) -> str:
        try:
            return str(Month.parse(options["month"], "--month"))
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def _municipality(self, options) -> Municipality:
        try:
            return Municipality.objects.get(code=options["municipality"])
        except Municipality.DoesNotExist:
            raise CommandError(
                f"ingen kommun med koden {options['municipality']!r}", returncode=2
            ) from None

    def do_draw(self, options):
        month, municipality = self._month(options), self._municipality(options)
        percent = options["percent"]
        if percent is not None and not 0 <= percent <= 100:
            raise CommandError("--percent ska vara 0–100", returncode=2)
        try:
            draw = stickprov.draw(
                municipality, month, actor=OPERATOR, percent=percent, seed=options["seed"]
            )
        except IntegrityError:
            raise CommandError(f"stickprovet för {month} är redan draget", returncode=2) from None
        self.stdout.write(
            f"stickprov {month}: {draw.controls.count()} av {draw.population} beslut "
            f"({draw.percent} %), frö {draw.seed}"
        )

    def do_control(self, options):
        try:
            control = StickprovControl.objects.select_related("decision__application").get(
                decision_id=options["decision"]
            )
        except StickprovControl.DoesNotExist:
            raise CommandError(
                f"beslut {options['decision']} är inte draget i något stickprov", returncode=2
            ) from None
        stickprov.record_outcome(control, options["outcome"], actor=OPERATOR, note=options["note"])
        self.stdout.write(f"beslut {options['decision']}: {control.get_outcome_display()}")

    def do_list(self, options):
        month, municipality = self._month(options), self._municipality(options)
        controls = StickprovControl.objects.filter(
            draw__month=month, draw__municipality=municipality
        )
        rows = [
            {
                "decision": c.decision_id,
                "application": c.decision.application_id,
                "outcome": c.outcome,
                "automated": c.decision.automated,
            }
            for c in controls.select_related("decision").order_by("decision_id")
        ]
        self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
