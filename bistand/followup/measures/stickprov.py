"""Stickprov outcomes and the error rate with a confidence interval.

Svenska: Kontroller i stickprov dragna för månader i perioden (``StickprovDraw.month``), för
beslut i ärenden i urvalet. Per utfall: antal. Felandel = kontroller med ett fel-utfall /
genomförda kontroller (ej kontrollerade räknas inte), med 95 % konfidensintervall enligt
Wilson (fungerar även för 0 fel och små stickprov).

English: Controls of the stickprov draws for months in the period, of decisions in the scope's
cases. Per outcome: how many. Error rate = controls with an error outcome / controls done
(pending ones left out), with a 95 % Wilson score interval (sound for 0 errors and small n).
"""

from __future__ import annotations

from collections import Counter

from bistand.decisions.models import ControlOutcome

from .base import Figures, Scope, Table, figures_for, share, wilson

NOT_ERRORS = (ControlOutcome.PENDING, ControlOutcome.CORRECT)


def _counts(scope: Scope, figures: Figures | None) -> Counter:
    counts: Counter = Counter()
    for data in figures_for(scope, figures).all_months():
        counts.update(data["stickprov"])
    return counts


def outcomes(scope: Scope, figures: Figures | None = None) -> Table:
    counts = _counts(scope, figures)
    total = sum(counts.values())
    rows = [
        {
            "outcome": label,
            "controls": counts.get(value, 0),
            "share": share(counts.get(value, 0), total),
        }
        for value, label in ControlOutcome.choices
    ]
    return Table(
        id="stickprov-utfall",
        caption="Stickprovskontroller per utfall",
        columns=[("outcome", "Utfall"), ("controls", "Kontroller"), ("share", "Andel")],
        rows=rows,
        kinds={"share": "share"},
    )


def error_rate(scope: Scope, figures: Figures | None = None) -> Table:
    counts = _counts(scope, figures)
    done = sum(n for outcome, n in counts.items() if outcome != ControlOutcome.PENDING)
    errors = sum(n for outcome, n in counts.items() if outcome not in NOT_ERRORS)
    low, high = wilson(errors, done)
    return Table(
        id="stickprov-felandel",
        caption="Felandel i stickprovet med 95 % konfidensintervall (Wilson)",
        columns=[
            ("what", "Mått"),
            ("controlled", "Kontrollerade"),
            ("errors", "Med fel"),
            ("error_rate", "Felandel"),
            ("ci_low", "Konfidensintervall, nedre"),
            ("ci_high", "Konfidensintervall, övre"),
        ],
        rows=[
            {
                "what": "Alla kontrollerade beslut",
                "controlled": done,
                "errors": errors,
                "error_rate": share(errors, done),
                "ci_low": low,
                "ci_high": high,
            }
        ],
        kinds={"error_rate": "share", "ci_low": "share", "ci_high": "share"},
        notes=["Ej kontrollerade beslut ingår inte. 95 % konfidensintervall enligt Wilson."],
    )
