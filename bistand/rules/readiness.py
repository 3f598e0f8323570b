"""Parameter readiness: does a month have the values it needs, and is next year's entered?

Pure Python (no Django): ``bistand parameters status``, the administrators' warning on their
pages and the worker's daily log line all read it. A table "needed" for a month is one the
calculation asks for in that month (every table, except those the schema requires only from a
date, ``Table.required_from``, before that date). A needed table without a version for the
month stops every calculation of the month (MissingParameterError; the robot hands the
application to a caseworker), so the warning comes ahead of time: from ``lead_days`` before
1 January (default 31: from 1 December) next January is checked as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .explain import month_sv
from .parameters import PROVISIONAL, ParameterStore, Table, Version, _has_provisional_row
from .period import Month

OFFICIAL, PROVISIONAL_STATUS, MISSING, NOT_NEEDED = (
    "official",
    "provisional",
    "missing",
    "not_needed",
)
STATUS_SV = {
    OFFICIAL: "officiella värden",
    PROVISIONAL_STATUS: "preliminära värden",
    MISSING: "SAKNAS",
    NOT_NEEDED: "behövs inte denna månad",
}
#: Where an administrator reads how to enter the values (served as text at /parametrar/hjalp/).
HOW_TO = "docs/rules.md, avsnitt 3 (Entering next year's riksnorm), 7 (2027) och 8"
DEFAULT_LEAD_DAYS = 31


@dataclass(frozen=True, slots=True)
class TableReadiness:
    table: str
    title: str
    file: str
    status: str  # official | provisional | missing | not_needed
    version: Version | None

    @property
    def missing(self) -> bool:
        return self.status == MISSING

    def describe_sv(self) -> str:
        text = f"{self.table} ({self.title}): {STATUS_SV[self.status]}"
        if self.version is not None:
            text += f", version från {self.version.valid_from} ({self.version.file})"
        return text


@dataclass(frozen=True, slots=True)
class Warning:
    month: Month
    missing: tuple[TableReadiness, ...]

    @property
    def riksnorm(self) -> bool:
        return any(t.table.startswith("riksnorm.") for t in self.missing)

    def text_sv(self) -> str:
        when = month_sv(str(self.month))
        what = (
            f"Riksnormen för {self.month.year} är inte inlagd"
            if self.riksnorm
            else "Parametrar saknas"
        )
        tables = ", ".join(t.table for t in self.missing)
        return (
            f"{what}: {tables} har inga värden för {when}. Beräkningar för {when} kan inte "
            "göras; ärendena går till handläggare utan förslag. Administratören lägger in "
            f"värdena, se {HOW_TO}."
        )


def table_readiness(table: Table, month: Month) -> TableReadiness:
    version = table.find(month)
    if version is None:
        status = MISSING if table.needed_for(month) else NOT_NEEDED
    elif version.status == PROVISIONAL or _has_provisional_row(version):
        status = PROVISIONAL_STATUS
    else:
        status = OFFICIAL
    return TableReadiness(table.id, table.title, table.file, status, version)


def status(store: ParameterStore, month: Month) -> list[TableReadiness]:
    """Every table's state for the month, riksnorm first."""
    tables = sorted(store.tables(), key=lambda t: (not t.id.startswith("riksnorm."), t.id))
    return [table_readiness(t, month) for t in tables]


def missing(store: ParameterStore, month: Month) -> list[TableReadiness]:
    return [t for t in status(store, month) if t.missing]


def month_of(day: date) -> Month:
    return Month(day.year, day.month)


def next_month(month: Month) -> Month:
    return Month(month.year + 1, 1) if month.month == 12 else Month(month.year, month.month + 1)


def months_needed_soon(today: date, lead_days: int = DEFAULT_LEAD_DAYS) -> list[Month]:
    """This month, the next, and next January once within ``lead_days`` of 1 January."""
    months = [month_of(today), next_month(month_of(today))]
    january = Month(today.year + 1, 1)
    if today >= date(today.year + 1, 1, 1) - timedelta(days=lead_days) and january not in months:
        months.append(january)
    return months


def warnings(
    store: ParameterStore, today: date, lead_days: int = DEFAULT_LEAD_DAYS
) -> list[Warning]:
    """A warning per month needed soon that lacks a needed table."""
    found = []
    for month in months_needed_soon(today, lead_days):
        lacking = missing(store, month)
        if lacking:
            found.append(Warning(month, tuple(lacking)))
    return found
