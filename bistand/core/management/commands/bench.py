"""``bistand bench rules``: throughput of the rules engine (figures go into docs/performance.md)."""

from __future__ import annotations

import platform

from django.core.management.base import BaseCommand, CommandError

from bistand.rules import bench
from bistand.rules.errors import InputError, MissingParameterError
from bistand.rules.period import Month


class Command(BaseCommand):
    help = "Mät hastighet. `bench rules --households N`: regelmotorn med fullständiga spår."
    requires_system_checks = ()

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        rules = sub.add_parser(
            "rules", help="regelmotorn: syntetiska hushåll med fullständiga spår"
        )
        rules.add_argument("--households", type=int, default=100_000)
        rules.add_argument("--month", default="2025-04", help="månad ÅÅÅÅ-MM (standard 2025-04)")
        rules.add_argument("--seed", type=int, default=1)
        rules.add_argument(
            "--serialize",
            action="store_true",
            help="mät också att spåret görs om till sitt JSON-dokument",
        )

        robot = sub.add_parser(
            "robot", help="roboten hela vägen: simulator över HTTP, databas, arbetare"
        )
        robot.add_argument("--applications", type=int, default=2000)
        robot.add_argument("--workers", type=int, default=1)
        robot.add_argument("--month", default="2025-04")
        robot.add_argument("--seed", type=int, default=1)

        from bistand.bench import workspace as workspace_bench

        workspace_bench.add_arguments(sub)

        from bistand.eservice import bench as eservice_bench

        eservice_bench.add_arguments(sub)

        from bistand.ops import bench_system

        bench_system.add_arguments(sub)

        from bistand.followup import bench as followup_bench

        followup_bench.add_arguments(sub)

    def handle(self, *args, **options):
        if options["what"] == "rules":
            self.bench_rules(options)
        elif options["what"] == "robot":
            self.bench_robot(options)
        elif options["what"] == "eservice":
            from bistand.eservice import bench as eservice_bench

            eservice_bench.handle(options, self.stdout.write)
        elif options["what"] == "system":
            from bistand.ops import bench_system

            bench_system.handle(options, self.stdout.write)
        elif options["what"] == "followup":
            from bistand.followup import bench as followup_bench

            followup_bench.handle(options, self.stdout.write)
        else:
            from bistand.bench import workspace as workspace_bench

            workspace_bench.handle(options, self.stdout.write)

    def bench_robot(self, options):
        from bistand.robot import bench as robot_bench

        if options["applications"] < 1 or options["workers"] < 1:
            raise CommandError("--applications och --workers måste vara minst 1", returncode=2)
        try:
            month = Month.parse(options["month"], "--month")
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        result = robot_bench.run(
            options["applications"],
            workers=options["workers"],
            month=str(month),
            seed=options["seed"],
            log=self.stdout.write,
        )
        self.stdout.write(
            f"{result.database}, {result.workers} worker(s): {result.applications} applications "
            f"({result.decided} decided automatically, {result.to_caseworker} to a caseworker) in "
            f"{result.seconds:.2f} s of processing, {result.wall_seconds:.2f} s wall time with "
            "process start-up"
        )
        self.stdout.write(f"robot: {result.per_second:.0f} applications/s")
        self.stdout.write(
            f"workers' CPU time: {result.cpu_ms_per_application:.1f} ms per application "
            f"(with process start-up; {1000 / result.cpu_ms_per_application:.0f} applications "
            "per CPU-second)"
        )

    def bench_rules(self, options):
        if options["households"] < 1:
            raise CommandError("--households måste vara minst 1", returncode=2)
        try:
            month = Month.parse(options["month"], "--month")
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from None
        try:
            result = bench.run(
                options["households"], month, seed=options["seed"], serialize=options["serialize"]
            )
        except MissingParameterError as exc:
            raise CommandError(f"parameter saknas: {exc}", returncode=3) from None
        self.stdout.write(
            f"python {platform.python_version()} on {platform.machine()}, one process, "
            f"month {month}{', trace serialised to JSON' if options['serialize'] else ''}"
        )
        self.stdout.write(
            f"{result.households} households, {result.lines} trace lines, {result.seconds:.2f} s; "
            f"per household p50 {result.p50_us:.0f} µs, p99 {result.p99_us:.0f} µs"
        )
        self.stdout.write(f"rules: {result.per_second:.0f} households/s")
