"""Lead time from submission to decision (handläggningstid).

Svenska: Tiden från att ansökan först kom in (första statusändringen till "inkommen"; för
ansökningar utan statuslogg, som inlagd historik, ``inkom``-tiden) till beslutet
(``Decision.decided_at``), i timmar. Räknas för beslutade ansökningar vars månad (den månad
ansökan gäller) ligger i perioden. Visas som median (p50), 95:e percentilen (p95, närmaste
rang) och andelen beslut inom 24 timmar, för automatiserade beslut, handläggarbeslut och alla.

English: Hours from the application's first submission (its first transition to "submitted";
``submitted_at`` for applications without a state log, such as imported history) to its
decision, for decided applications whose month (the month applied for) is in the period. p50,
p95 (nearest rank) and the share decided within 24 hours, by route (automated decision function
or a caseworker) and in all. A completion request does not restart the clock.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Min, Q

from .base import HOUR, Scope, Table, percentile, share

GOAL_HOURS = 24
ROUTES = (("automated", "Automatiserat beslut"), ("caseworker", "Handläggare"))


def durations(scope: Scope) -> list[tuple[str, str, float]]:
    """(month, route, hours) per decided application of the scope."""
    rows = (
        scope.applications()
        .filter(decision__isnull=False)
        .annotate(first_in=Min("transitions__at", filter=Q(transitions__to_state="submitted")))
        .values_list(
            "month",
            "first_in",
            "submitted_at",
            "decision__decided_at",
            "decision__automated_function",
        )
    )
    out = []
    for month, first_in, submitted_at, decided_at, function in rows:
        began = first_in or submitted_at
        hours = max(0.0, (decided_at - began).total_seconds() / HOUR)
        out.append((month, "automated" if function else "caseworker", hours))
    return out


def _figures(hours: list[float]) -> dict:
    hours = sorted(hours)
    within = sum(1 for h in hours if h <= GOAL_HOURS)
    p50, p95 = percentile(hours, 50), percentile(hours, 95)
    return {
        "decisions": len(hours),
        "p50_hours": None if p50 is None else round(p50, 1),
        "p95_hours": None if p95 is None else round(p95, 1),
        "within_24h": within,
        "share_within_24h": share(within, len(hours)),
    }


COLUMNS = [
    ("decisions", "Beslut"),
    ("p50_hours", "Median (timmar)"),
    ("p95_hours", "95:e percentilen (timmar)"),
    ("within_24h", "Inom 24 timmar"),
    ("share_within_24h", "Andel inom 24 timmar"),
]
KINDS = {"p50_hours": "hours", "p95_hours": "hours", "share_within_24h": "share"}


def by_route(scope: Scope, measured: list[tuple[str, str, float]] | None = None) -> Table:
    measured = durations(scope) if measured is None else measured
    per_route = defaultdict(list)
    for _, route, hours in measured:
        per_route[route].append(hours)
    rows = [{"route": label, **_figures(per_route[key])} for key, label in ROUTES]
    rows.append({"route": "Alla beslut", **_figures([h for _, _, h in measured])})
    return Table(
        id="handlaggningstid",
        caption="Handläggningstid från inkommen ansökan till beslut, per beslutsväg",
        columns=[("route", "Beslutsväg"), *COLUMNS],
        rows=rows,
        kinds=KINDS,
        notes=["Målet är beslut inom 24 timmar. Percentil enligt närmaste rang."],
    )


def by_month(scope: Scope, measured: list[tuple[str, str, float]] | None = None) -> Table:
    measured = durations(scope) if measured is None else measured
    per_month = defaultdict(list)
    for month, _, hours in measured:
        per_month[month].append(hours)
    return Table(
        id="handlaggningstid-per-manad",
        caption="Handläggningstid per månad (den månad ansökan gäller)",
        columns=[("month", "Månad"), *COLUMNS],
        rows=[{"month": m, **_figures(per_month[m])} for m in scope.months()],
        kinds=KINDS,
    )
