"""``bistand seed --households N --month YYYY-MM``: a synthetic municipality."""

from __future__ import annotations

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bistand.cases import seeding
from bistand.connectors.simulator.client import SimulatorClient
from bistand.rules.errors import InputError, MissingParameterError
from bistand.rules.period import Month


class Command(BaseCommand):
    help = (
        "Skapa en syntetisk kommun: hushåll med giltiga testpersonnummer (serienummer 980–999), "
        "förra månaden som beslutad och utbetald, registeruppgifter i simulatorn och en inskickad "
        "återansökan per hushåll för månaden; en del med inplanterade avvikelser. Kräver att "
        "registersimulatorn kör (bistand simulator)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True)
        parser.add_argument("--month", required=True, help="ÅÅÅÅ-MM")
        parser.add_argument("--seed", type=int, default=1, help="samma frö ger samma kommun")
        parser.add_argument("--municipality", default="exempelkommun")
        parser.add_argument(
            "--policy",
            choices=["automated", "manual"],
            help="slå på eller av automatiserade beslut för rena återansökningar",
        )

    def handle(self, *args, **options):
        if options["households"] < 1:
            raise CommandError("--households måste vara minst 1", returncode=2)
        try:
            month = Month.parse(options["month"], "--month")
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        client = SimulatorClient(settings.REGISTER_SIMULATOR_URL, seed=options["seed"])
        try:
            client.health()
        except httpx.HTTPError:
            raise CommandError(
                f"registersimulatorn svarar inte på {settings.REGISTER_SIMULATOR_URL}; starta den "
                "med `bistand simulator` (make run gör det) eller ange "
                "BISTAND_REGISTER_SIMULATOR_URL",
                returncode=2,
            ) from None
        policy = {"automated": True, "manual": False}.get(options["policy"] or "")
        municipality = seeding.get_municipality(options["municipality"], automated=policy)
        try:
            result = seeding.seed(
                options["households"],
                month,
                seed_value=options["seed"],
                municipality=municipality,
                simulator=client,
            )
        except MissingParameterError as exc:
            # Last month's history is calculated: its parameters must exist (the month seeded
            # itself may lack them: the robot hands those applications to a caseworker).
            raise CommandError(f"parameter saknas: {exc}", returncode=3) from None
        self.stdout.write(
            f"{result.households} hushåll: {result.new_cases} nya ärenden, {result.submitted} "
            f"ansökningar inskickade för {month}, {result.already_there} fanns redan"
        )
        if result.planted:
            planted = ", ".join(f"{k} {v}" for k, v in sorted(result.planted.items()))
            self.stdout.write(f"inplanterade avvikelser: {planted}")
        self.stdout.write("kör `bistand worker --until-idle` för att låta roboten handlägga dem")
