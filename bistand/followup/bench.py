"""``bistand bench followup``: the follow-up pages with 100 000 cases (docs/performance.md).

Like ``bistand bench workspace`` it never touches the developer's database: a child process
(``python -m bistand.followup.bench``) gets a fresh SQLite file or PostgreSQL database
(``bistand.robot.bench.run_in_child``), fills it with the workspace benchmark's loader
(``bistand.bench.world``: two months of applications, decisions, state logs, flags,
stickprov) and adds, for one case in ten, a closed period of assistance with an avslutsorsak
per adult (the outcomes page's data), refreshes the monthly figures of the 14 months up to
the loader's month (timed: what the worker's daily refresh costs); then it measures with
Django's test ``Client``, DEBUG off, logged in as an administrator (the whole municipality)
and as a team lead (one unit): ``--requests`` GETs of each page after a warm-up of two, the
period the twelve months up to the loader's month.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import asdict

from bistand.bench.workspace import Timing

PAGES = {
    "handläggning": "/uppfoljning/",
    "utfall": "/uppfoljning/utfall/",
    "nyckeltal": "/uppfoljning/nyckeltal/",
    "csv (handläggningstid)": "/uppfoljning/tabell/handlaggningstid.csv",
}
CLOSED_SHARE = 0.10


def add_outcomes(month: str, seed: int, log) -> int:
    """Closed periods with exit reasons for one case in ten; returns how many."""
    from django.db import transaction

    from bistand.cases.models import Case, HouseholdMember
    from bistand.followup.measures.base import add_months
    from bistand.outcomes.models import AssistancePeriod, ExitReason
    from bistand.outcomes.services import EXIT_REASONS, codes

    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible
    exit_codes = sorted(codes(EXIT_REASONS, month))
    cases = list(Case.objects.order_by("pk").values_list("pk", "household_id"))
    chosen = [c for c in cases if rng.random() < CLOSED_SHARE]
    adults: dict[int, list[int]] = {}
    for household, person in HouseholdMember.objects.filter(
        household_id__in=[h for _, h in chosen], role__in=("applicant", "partner")
    ).values_list("household_id", "person_id"):
        adults.setdefault(household, []).append(person)
    from django.utils import timezone

    now = timezone.now()
    with transaction.atomic():
        periods = AssistancePeriod.objects.bulk_create(
            [
                AssistancePeriod(
                    case_id=case,
                    number=1,
                    first_month=add_months(month, -rng.randint(4, 14)),
                    last_month=add_months(month, -rng.randint(1, 3)),
                    opened_at=now,
                    closed_at=now,
                    closed_by="bench",
                    closed_via="caseworker",
                )
                for case, _ in chosen
            ],
            batch_size=2000,
        )
        households = dict(chosen)
        ExitReason.objects.bulk_create(
            [
                ExitReason(
                    period_id=period.pk,
                    person_id=person,
                    code=rng.choice(exit_codes),
                    table_valid_from="2016-01-01",
                )
                for period in periods
                for person in adults.get(households[period.case_id], [])
            ],
            batch_size=2000,
        )
    log(f"outcomes: {len(periods)} closed periods with exit reasons")
    return len(periods)


def _timed(client, url: str, requests: int) -> Timing:
    for _ in range(2):
        client.get(url)
    seconds = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    return Timing.of(seconds)


def measure(users: dict, month: str, requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bistand.followup.measures.base import add_months

    period = f"fran={add_months(month, -11)}&till={month}"
    year = month[:4]
    figures: dict = {}
    for who, user in users.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for page, path in PAGES.items():
            url = f"{path}?ar={year}" if "nyckeltal" in path else f"{path}?{period}"
            timing = _timed(client, url, requests)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            figures[f"{who}: {page}"] = {
                **asdict(timing),
                "queries": len(captured.captured_queries),
            }
    return figures


def run(cases: int, *, requests: int, units: int, seed: int, log) -> dict:
    from bistand.robot.bench import run_in_child

    database, result = run_in_child(
        "bistand.followup.bench",
        [f"--cases={cases}", f"--requests={requests}", f"--units={units}", f"--seed={seed}"],
        what=f"{cases} cases in {units} units",
        log=log,
    )
    return {"database": database, **result}


def report(result: dict) -> list[str]:
    lines = [
        f"{result['database']}: {result['cases']} cases, {result['applications']} applications, "
        f"{result['decisions']} decisions, {result['closed_periods']} closed periods; "
        f"filled in {result['generate_seconds']:.0f} s",
        f"bistand followup refresh of 14 months: {result['refresh_seconds']:.1f} s",
    ]
    worst = 0.0
    for name, t in result["pages"].items():
        worst = max(worst, t["p95_ms"])
        lines.append(
            f"{name}: {t['requests']} requests, p50 {t['p50_ms']:.0f} ms, "
            f"p95 {t['p95_ms']:.0f} ms, p99 {t['p99_ms']:.0f} ms, {t['queries']} queries"
        )
    lines.append(f"followup: slowest page p95 {worst:.0f} ms (goal < 500 ms)")
    return lines


def add_arguments(subparsers) -> None:
    parser = subparsers.add_parser(
        "followup", help="uppföljningens sidor med många ärenden (Django test Client)"
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20, help="anrop per sida och roll")
    parser.add_argument("--units", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)


def handle(options: dict, write) -> None:
    from django.core.management.base import CommandError

    if options["cases"] < 1 or options["requests"] < 2 or options["units"] < 1:
        raise CommandError(
            "--cases, --units måste vara minst 1 och --requests minst 2", returncode=2
        )
    result = run(
        options["cases"],
        requests=options["requests"],
        units=options["units"],
        seed=options["seed"],
        log=write,
    )
    for line in report(result):
        write(line)


def _child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bistand.followup.bench")
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--units", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from bistand.robot.bench import child_database

    log = child_database()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from bistand.bench.world import generate
    from bistand.cases.models import Application
    from bistand.decisions.models import Decision
    from bistand.staff.models import Role
    from bistand.staff.testing import make_staff

    month = "2025-04"
    caseworker, seconds = generate(args.cases, units=args.units, seed=args.seed, log=log)
    began = time.perf_counter()
    closed = add_outcomes(month, args.seed, log)
    seconds += time.perf_counter() - began
    from bistand.followup.aggregates import refresh
    from bistand.followup.measures.base import add_months, months_between

    began = time.perf_counter()
    refresh(months=months_between(add_months(month, -13), month), log=log)
    refresh_seconds = time.perf_counter() - began
    log(f"monthly figures refreshed (14 months and their years) in {refresh_seconds:.1f} s")
    lead = (
        get_user_model()
        .objects.filter(groups__name=Role.TEAM_LEAD, staff__units__in=caseworker.staff.units.all())
        .order_by("pk")
        .first()
    )
    Group.objects.get_or_create(name=Role.ADMINISTRATOR)
    admin = make_staff("bench-administrator", Role.ADMINISTRATOR)
    log("measuring as an administrator (whole municipality) and a team lead (one unit)")
    figures = {
        "pages": measure({"administratör": admin, "gruppledare": lead}, month, args.requests),
        "cases": args.cases,
        "applications": Application.objects.count(),
        "decisions": Decision.objects.count(),
        "closed_periods": closed,
        "generate_seconds": seconds,
        "refresh_seconds": refresh_seconds,
    }
    print("RESULT " + json.dumps(figures), flush=True)


if __name__ == "__main__":
    _child(sys.argv[1:])
