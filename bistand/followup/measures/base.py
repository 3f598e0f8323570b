"""What every measure shares: the scope it is computed for and the table it returns.

A measure is a plain function ``measure(scope) -> Table``. The same ``Table`` is shown on the
page (with its chart), downloaded as CSV and returned by the API, so the three never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from bistand.cases.models import Case

HOUR = 3600.0


@dataclass(frozen=True)
class Scope:
    """Which municipality, which units (``None`` = all of the municipality's) and which months
    (``first``..``last`` inclusive, ``ÅÅÅÅ-MM``). Process measures belong to the month the
    application is for (``Application.month``); outcomes to the month a period ended."""

    municipality_id: int
    first: str
    last: str
    units: tuple[int, ...] | None = None

    def cases(self) -> QuerySet[Case]:
        cases = Case.objects.filter(municipality_id=self.municipality_id)
        if self.units is not None:
            cases = cases.filter(unit_id__in=self.units)
        return cases

    def months(self) -> list[str]:
        return months_between(self.first, self.last)


@dataclass
class Figures:
    """The scope's precomputed rows (``bistand.followup.aggregates``): (period, unit key,
    data) for months and for years, and when the oldest of them was computed."""

    months: list[tuple[str, int, dict]]
    years: list[tuple[str, int, dict]]
    computed_at: datetime | None = None

    def of_month(self, month: str) -> list[dict]:
        return [data for period, _, data in self.months if period == month]

    def all_months(self) -> list[dict]:
        return [data for _, _, data in self.months]


def figures_for(scope: Scope, figures: Figures | None = None) -> Figures:
    if figures is not None:
        return figures
    from bistand.followup.aggregates import load

    return load(scope)


@dataclass
class Table:
    """One table of figures: ``columns`` are (key, Swedish heading); ``rows`` dicts by key.

    ``kinds`` tells how a column is shown: "text", "int", "share" (0..1, shown as per cent),
    "hours" (one decimal), "decimal"."""

    id: str
    caption: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]
    kinds: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def kind(self, key: str) -> str:
        return self.kinds.get(key, "text" if key == self.columns[0][0] else "int")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "caption": self.caption,
            "columns": [
                {"key": k, "label": label, "kind": self.kind(k)} for k, label in self.columns
            ],
            "rows": self.rows,
            "notes": self.notes,
        }


# --------------------------------------------------------------------------- small helpers


def months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def add_months(month: str, n: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of(moment: datetime) -> str:
    """The calendar month of a moment in the municipality's time zone (Swedish time)."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return f"{local.year:04d}-{local.month:02d}"


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def wilson(errors: int, n: int, z: float = 1.959964) -> tuple[float | None, float | None]:
    """Wilson score interval (95 %) for a proportion errors/n; (None, None) when n = 0."""
    if n == 0:
        return None, None
    p = errors / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)
