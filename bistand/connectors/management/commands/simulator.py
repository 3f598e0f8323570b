"""``bistand simulator``: run the register simulator (SSBTEK-shaped) as an HTTP service.

    bistand simulator --host 127.0.0.1 --port 8001 --seed 1 [--state var/simulator.json]
                      [--fault-rate 0.0] [--slow-rate 0.0]

Without ``--host``/``--port`` it listens where ``REGISTER_SIMULATOR_URL`` points. Without
``--state`` seeded persons live in memory only. Stop it with Ctrl-C.
"""

from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bistand.connectors.simulator import SimulatorServer


def _rate(value: str) -> float:
    rate = float(value)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(value)
    return rate


class Command(BaseCommand):
    help = "Run the register simulator (an SSBTEK-shaped HTTP service on loopback)."
    requires_system_checks: ClassVar[list] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        url = urlsplit(settings.REGISTER_SIMULATOR_URL)
        parser.add_argument("--host", default=url.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=url.port or 8001)
        parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic data")
        parser.add_argument(
            "--state", default=None, help="JSON file that keeps seeded persons across restarts"
        )
        parser.add_argument(
            "--fault-rate", type=_rate, default=0.0, help="share of queries that fail (0–1)"
        )
        parser.add_argument(
            "--slow-rate", type=_rate, default=0.0, help="share of queries that are slow (0–1)"
        )
        parser.add_argument(
            "--slow-seconds", type=float, default=0.5, help="delay of a slow answer"
        )
        parser.add_argument(
            "--hang-seconds",
            type=float,
            default=60.0,
            help="how long a 'timeout' fault holds the answer back",
        )

    def handle(self, *args, **options):
        try:
            server = SimulatorServer(
                options["host"],
                options["port"],
                seed=options["seed"],
                state_path=options["state"],
                fault_rate=options["fault_rate"],
                slow_rate=options["slow_rate"],
                slow_seconds=options["slow_seconds"],
                hang_seconds=options["hang_seconds"],
            )
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot start the register simulator: {error}") from error
        state = options["state"] or "in memory only"
        self.stdout.write(
            f"Register simulator on {server.url} (seed {options['seed']}, state {state}, "
            f"fault rate {options['fault_rate']}, slow rate {options['slow_rate']}). "
            "Ctrl-C stops it."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Register simulator stopped.")
