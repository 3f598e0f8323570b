"""Lead time from submission to decision (handläggningstid).

Svenska: Tiden från att ansökan först kom in (första statusändringen till "inkommen"; för
ansökningar utan statuslogg, som inlagd historik, ``inkom``-tiden) till beslutet
(``Decision.decided_at``), i timmar. Räknas för beslutade ansökningar vars månad (den månad
ansökan gäller) ligger i perioden. Visas som median (p50), 95:e percentilen (p95, närmaste
rang) och andelen beslut inom 24 timmar, för automatiserade beslut, handläggarbeslut och alla.
En begäran om komplettering startar inte om klockan. Percentilerna räknas ur de förberäknade
månadssiffrorna, där tiderna ligger i klasser om en tiondels timme upp till 72 timmar och hela
timmar däröver: en percentil redovisas som klassens övre gräns (avrundad uppåt till närmaste
tiondels timme, över 72 timmar till närmaste hela timme). Andelen inom 24 timmar är exakt.

English: Hours from the application's first submission (its first transition to "submitted";
``submitted_at`` for applications without a state log, such as imported history) to its
decision, for decided applications whose month (the month applied for) is in the period. p50,
p95 (nearest rank) and the share decided within 24 hours, by route (automated decision function
or a caseworker) and in all. A completion request does not restart the clock. Percentiles come
from the precomputed histograms (tenths of an hour up to 72 h, whole hours above) and are
reported as their bucket's upper edge; the 24-hour share is exact.
"""

from __future__ import annotations

from collections import Counter

from .base import Figures, Scope, Table, figures_for, share

GOAL_HOURS = 24
ROUTES = (("automated", "Automatiserat beslut"), ("caseworker", "Handläggare"))


def _percentile(hist: Counter, n: int, p: float) -> float | None:
    from bistand.followup.aggregates import bucket_hours

    if not n:
        return None
    rank = max(1, -(-p * n // 100))  # ⌈p·n/100⌉
    seen = 0
    for index in sorted(hist):
        seen += hist[index]
        if seen >= rank:
            return bucket_hours(index)
    return None


def _figures(parts: list[dict]) -> dict:
    hist: Counter = Counter()
    n = within = 0
    for part in parts:
        n += part["n"]
        within += part["within"]
        hist.update({int(k): v for k, v in part["hist"].items()})
    return {
        "decisions": n,
        "p50_hours": _percentile(hist, n, 50),
        "p95_hours": _percentile(hist, n, 95),
        "within_24h": within,
        "share_within_24h": share(within, n),
    }


COLUMNS = [
    ("decisions", "Beslut"),
    ("p50_hours", "Median (timmar)"),
    ("p95_hours", "95:e percentilen (timmar)"),
    ("within_24h", "Inom 24 timmar"),
    ("share_within_24h", "Andel inom 24 timmar"),
]
KINDS = {"p50_hours": "hours", "p95_hours": "hours", "share_within_24h": "share"}


def by_route(scope: Scope, figures: Figures | None = None) -> Table:
    data = figures_for(scope, figures).all_months()
    rows = [{"route": label, **_figures([d["lead"][key] for d in data])} for key, label in ROUTES]
    rows.append(
        {"route": "Alla beslut", **_figures([d["lead"][k] for d in data for k, _ in ROUTES])}
    )
    return Table(
        id="handlaggningstid",
        caption="Handläggningstid från inkommen ansökan till beslut, per beslutsväg",
        columns=[("route", "Beslutsväg"), *COLUMNS],
        rows=rows,
        kinds=KINDS,
        notes=[
            "Målet är beslut inom 24 timmar. Percentil enligt närmaste rang, avrundad uppåt "
            "till tiondels timme (över 72 timmar till hel timme)."
        ],
    )


def by_month(scope: Scope, figures: Figures | None = None) -> Table:
    figures = figures_for(scope, figures)
    return Table(
        id="handlaggningstid-per-manad",
        caption="Handläggningstid per månad (den månad ansökan gäller)",
        columns=[("month", "Månad"), *COLUMNS],
        rows=[
            {
                "month": m,
                **_figures([d["lead"][k] for d in figures.of_month(m) for k, _ in ROUTES]),
            }
            for m in scope.months()
        ],
        kinds=KINDS,
    )
