"""How long the robot's daily closing-proposal chore takes with many cases, and how many
queries the case view's period section adds (docs/outcomes.md, "Speed").

    DATABASE_URL=postgres://…/an_empty_database .venv/bin/python -m bistand.outcomes.bench \
        --cases 100000

Needs an empty database of its own (it migrates it and fills it with synthetic cases: never
point it at real data; it refuses a database that already has cases). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("ange DATABASE_URL till en tom databas för mätningen")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bistand.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.template import Context, Template
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bistand.cases import seeding
    from bistand.cases.models import Application, Case, Household, State
    from bistand.outcomes.models import AssistancePeriod, ClosureProposal
    from bistand.outcomes.tasks import propose_closures

    call_command("migrate", verbosity=0)
    if Case.objects.exists():
        raise SystemExit("databasen har redan ärenden: mät i en tom databas")
    municipality = seeding.get_municipality()
    unit = municipality.units.order_by("pk").first()
    now = timezone.now()
    started = time.perf_counter()
    households = Household.objects.bulk_create(
        [Household(municipality=municipality) for _ in range(args.cases)], batch_size=2000
    )
    cases = Case.objects.bulk_create(
        [
            Case(reference=f"BENCH-{h.pk:07d}", household=h, municipality=municipality, unit=unit)
            for h in households
        ],
        batch_size=2000,
    )
    # Every case applied for January–March 2026; a third stopped after January (due for a
    # proposal in April), a third is still applying (an application in process in April).
    applications, periods = [], []
    for i, case in enumerate(cases):
        months = ["2026-01"] if i % 3 == 0 else ["2026-01", "2026-02", "2026-03"]
        for month in months:
            applications.append(
                Application(
                    case=case, month=month, kind="repeat", state=State.PAID, submitted_at=now
                )
            )
        if i % 3 == 2:
            applications.append(
                Application(
                    case=case,
                    month="2026-04",
                    kind="repeat",
                    state=State.SUBMITTED,
                    submitted_at=now,
                )
            )
        periods.append(AssistancePeriod(case=case, number=1, first_month="2026-01", opened_at=now))
    Application.objects.bulk_create(applications, batch_size=5000)
    AssistancePeriod.objects.bulk_create(periods, batch_size=5000)
    filled = time.perf_counter() - started

    started = time.perf_counter()
    made = propose_closures(date(2026, 4, 6))
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = propose_closures(date(2026, 4, 7))
    second = time.perf_counter() - started

    application = Application.objects.filter(state=State.PAID).order_by("pk").first()
    template = Template("{% load outcomes %}{% outcomes_panel %}")
    template.render(Context({"application": application, "can_decide": True}))  # warm up
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        template.render(Context({"application": application, "can_decide": True}))
        panel_ms = (time.perf_counter() - started) * 1000
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "cases": args.cases,
                "applications": len(applications),
                "fill_seconds": round(filled, 1),
                "proposals_made": len(made),
                "first_run_seconds": round(first, 2),
                "second_run_seconds_nothing_new": round(second, 2),
                "second_run_made": len(again),
                "open_proposals": ClosureProposal.objects.filter(status="open").count(),
                "case_view_panel_queries": len(queries),
                "case_view_panel_ms": round(panel_ms, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
