"""``bistand bench workspace``: the caseworker's queue page and case view with 100 000 cases.

The benchmark never touches the developer's database: like ``bistand bench robot`` it uses a
fresh SQLite file under ``var/bench/``, or a database of its own on the PostgreSQL server that
``DATABASE_URL`` names (dropped afterwards). A child process (``python -m bistand.bench.workspace``)
migrates that database, fills it (``world``: what is made and how) and measures with
Django's test ``Client`` logged in as a caseworker of one unit, DEBUG off; the parent prints.

Timed: ``Client.get`` of the default queue (``/handlaggning/``: "Att besluta", 50 rows a page)
and of the case view of different applications waiting for a decision, ``--requests`` of each
after a warm-up of five. The SQL queries of each page are counted in separate requests
(counting slows them): queue pages with different numbers of rows, and 50 case views.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

# --------------------------------------------------------------------------- results


@dataclass
class Timing:
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Timing:
        ms = sorted(s * 1000 for s in seconds)
        cuts = statistics.quantiles(ms, n=100, method="inclusive")
        return cls(len(ms), cuts[49], cuts[94], cuts[98], statistics.fmean(ms))


@dataclass
class WorkspaceBench:
    database: str
    cases: int
    units: int
    applications: int
    unit_cases: int
    unit_waiting: int
    generate_seconds: float
    queue: Timing
    case_view: Timing
    queue_queries: dict[str, list[int]] = field(default_factory=dict)  # page → [rows, queries]
    case_view_queries: list[int] = field(default_factory=list)  # min, max
    queue_slowest: list[list] = field(default_factory=list)  # [ms, sql]
    case_view_slowest: list[list] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- measuring


def _percentile_run(client, urls: list[str], warmup: int = 5) -> list[float]:
    for url in urls[:warmup]:
        client.get(url)
    seconds = []
    for url in urls:
        began = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    return seconds


def _queries(client, url: str) -> tuple[int, int]:
    """(rows shown, SQL queries) of one request."""
    rows, captured = _captured(client, url)
    return rows, len(captured)


def _captured(client, url: str) -> tuple[int, list[dict]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    rows = response.content.decode().count('<th scope="row" class="govuk-table__header"><a')
    return rows, captured.captured_queries


def _slowest(client, url: str, top: int = 5) -> list[list]:
    """[ms, the start of the SQL] of a request's slowest queries, slowest first."""
    _, captured = _captured(client, url)
    ranked = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:top]
    return [[round(float(q["time"]) * 1000), " ".join(q["sql"].split())[:110]] for q in ranked]


def measure(user, requests: int, *, seed: int = 1) -> dict[str, Any]:
    from django.test import Client

    from bistand.cases.models import State
    from bistand.staff import access

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    visible = access.applications_visible_to(user)
    waiting = list(
        visible.filter(state=State.PROPOSAL_READY).order_by("pk").values_list("pk", flat=True)
    )
    rng = random.Random(seed)  # noqa: S311 - which cases to open, reproducible
    rng.shuffle(waiting)
    case_urls = [f"/handlaggning/ansokan/{pk}/" for pk in (waiting * requests)[:requests]]
    queue = Timing.of(_percentile_run(client, ["/handlaggning/"] * requests))
    case_view = Timing.of(_percentile_run(client, case_urls))

    pages = math.ceil(len(waiting) / 50)
    queue_queries = {
        "att-besluta, sida 1": _queries(client, "/handlaggning/"),
        f"att-besluta, sida {pages} (sista)": _queries(client, f"/handlaggning/?sida={pages}"),
        "flaggade, sida 1": _queries(client, "/handlaggning/ko/flaggade/"),
        "nya, sida 1": _queries(client, "/handlaggning/ko/nya/"),
        "komplettering, sida 1": _queries(client, "/handlaggning/ko/komplettering/"),
        "stickprov": _queries(client, "/handlaggning/ko/stickprov/"),
        "att-besluta, flagga Fordon, tilldelad mig": _queries(
            client, "/handlaggning/?flagga=VEHICLE&tilldelad=mig"
        ),
    }
    case_counts = [_queries(client, url)[1] for url in case_urls[:50]]
    return {
        "queue": asdict(queue),
        "case_view": asdict(case_view),
        "queue_queries": {k: list(v) for k, v in queue_queries.items()},
        "case_view_queries": [min(case_counts), max(case_counts)],
        "queue_slowest": _slowest(client, "/handlaggning/"),
        "case_view_slowest": _slowest(client, case_urls[0]),
        "unit_cases": access.cases_visible_to(user).count(),
        "unit_waiting": len(waiting),
    }


def _row_counts() -> dict[str, int]:
    from bistand.cases.models import Application, Case, Person, Transition
    from bistand.decisions.models import Decision, Proposal
    from bistand.robot.models import RegisterFetch

    return {
        model._meta.verbose_name_plural: model.objects.count()
        for model in (Case, Person, Application, Proposal, Decision, Transition, RegisterFetch)
    }


# --------------------------------------------------------------------------- the two processes


def run(
    cases: int = 100_000, *, requests: int = 200, units: int = 2, seed: int = 1, log=print
) -> WorkspaceBench:
    """Fill a fresh database in a child process and measure there; returns the figures."""
    from bistand.robot.bench import run_in_child

    database, result = run_in_child(
        "bistand.bench.workspace",
        [
            f"--cases={cases}",
            f"--requests={requests}",
            f"--units={units}",
            f"--seed={seed}",
        ],
        what=f"{cases} cases in {units} units",
        log=log,
    )
    return WorkspaceBench(
        database=database,
        cases=cases,
        units=units,
        applications=result["rows"]["ansökningar"],
        unit_cases=result["unit_cases"],
        unit_waiting=result["unit_waiting"],
        generate_seconds=result["generate_seconds"],
        queue=Timing(**result["queue"]),
        case_view=Timing(**result["case_view"]),
        queue_queries=result["queue_queries"],
        case_view_queries=result["case_view_queries"],
        queue_slowest=result["queue_slowest"],
        case_view_slowest=result["case_view_slowest"],
        rows=result["rows"],
    )


def report(result: WorkspaceBench) -> list[str]:
    """The lines ``bistand bench workspace`` prints; the last is the summary."""

    def timing(name: str, t: Timing) -> str:
        return (
            f"{name}: {t.requests} requests, p50 {t.p50_ms:.1f} ms, p95 {t.p95_ms:.1f} ms, "
            f"p99 {t.p99_ms:.1f} ms, mean {t.mean_ms:.1f} ms"
        )

    lines = [
        f"{result.database}: {result.cases} cases, {result.applications} applications, "
        f"filled in {result.generate_seconds:.0f} s; rows: "
        + ", ".join(f"{k} {v}" for k, v in result.rows.items()),
        f"caseworker of one unit: {result.unit_cases} cases, "
        f"{result.unit_waiting} waiting for a decision",
        timing("queue page (/handlaggning/, 50 rows)", result.queue),
        timing("case view (different applications)", result.case_view),
        "SQL queries per queue page: "
        + "; ".join(
            f"{page}: {q} ({rows} rows)" for page, (rows, q) in result.queue_queries.items()
        ),
        "SQL queries per case view: {} to {}".format(*result.case_view_queries),
        *[f"  queue page, slow query: {ms} ms {sql}" for ms, sql in result.queue_slowest],
        *[f"  case view, slow query: {ms} ms {sql}" for ms, sql in result.case_view_slowest],
        f"workspace: queue p95 {result.queue.p95_ms:.0f} ms, "
        f"case view p95 {result.case_view.p95_ms:.0f} ms",
    ]
    return lines


def add_arguments(subparsers) -> None:
    """``bench workspace``'s options, for ``bistand bench``."""
    parser = subparsers.add_parser(
        "workspace", help="handläggarens kö och ärendevy med många ärenden (Django test Client)"
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="anrop per sida")
    parser.add_argument("--units", type=int, default=2, help="enheter som ärendena delas på")
    parser.add_argument("--seed", type=int, default=1)


def handle(options: dict, write) -> None:
    """``bench workspace``: run and print (the last line is the summary)."""
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
    parser = argparse.ArgumentParser(prog="python -m bistand.bench.workspace")
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--units", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from bistand.robot.bench import child_database

    log = child_database()
    from .world import generate

    user, seconds = generate(args.cases, units=args.units, seed=args.seed, log=log)
    log(f"measuring as {user.get_username()}")
    figures = measure(user, args.requests, seed=args.seed)
    figures["generate_seconds"] = seconds
    figures["rows"] = _row_counts()
    print("RESULT " + json.dumps(figures), flush=True)


if __name__ == "__main__":
    _child(sys.argv[1:])
