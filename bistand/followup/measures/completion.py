"""Completion requests (begäran om komplettering).

Svenska: För ansökningar vars månad ligger i perioden: antal begäranden om komplettering,
antal ansökningar med minst en begäran och deras andel av de inkomna ansökningarna, och hur
många begäranden som har besvarats.

English: For applications whose month is in the period: completion requests, applications with
at least one (and their share of the submitted applications), and requests answered.
"""

from __future__ import annotations

from .base import Figures, Scope, Table, figures_for, share

KEYS = ("submitted", "requests", "applications", "answered")


def completion(scope: Scope, figures: Figures | None = None) -> Table:
    figures = figures_for(scope, figures)
    rows = []
    for month in scope.months():
        sums = {key: sum(d["completion"][key] for d in figures.of_month(month)) for key in KEYS}
        rows.append(
            {
                "month": month,
                "submitted": sums["submitted"],
                "requests": sums["requests"],
                "applications": sums["applications"],
                "share": share(sums["applications"], sums["submitted"]),
                "answered": sums["answered"],
            }
        )
    return Table(
        id="komplettering",
        caption="Begäranden om komplettering per månad",
        columns=[
            ("month", "Månad"),
            ("submitted", "Inkomna ansökningar"),
            ("requests", "Begäranden"),
            ("applications", "Ansökningar med begäran"),
            ("share", "Andel av ansökningarna"),
            ("answered", "Besvarade begäranden"),
        ],
        rows=rows,
        kinds={"share": "share"},
    )
