"""The monthly figures (``MonthlyFigures``): computed from the raw data, per unit and month.

``refresh()`` recomputes them (all months with data, or the months given); the pages, the CSV,
the API and the key figures read only these rows (``load``), so a page is a handful of small
queries however many cases there are. ``bistand followup refresh`` runs it by hand; the worker
runs ``refresh_recent`` in its housekeeping (once an hour: the current and the 13 previous
months, as late decisions and returns still change them).

One row's ``data`` (all counts; sums over units and months give the scope's figures):

* ``lead``: per route (``automated``, ``caseworker``) ``n``, ``within`` (≤ 24 h) and ``hist``,
  the hours from first submission to decision by bucket (``bucket()``: tenths of an hour up to
  72 h, whole hours above), so percentiles can be taken over any set of months and units;
* ``decisions``: ``total``, ``automated``;
* ``channel``: ``submitted``, ``digital``, ``not_digital``;
* ``states``: state → [times left, seconds in it];
* ``flags``: code → [proposals, decided, changed];
* ``stickprov``: control outcome → count (draws of the month);
* ``completion``: ``submitted``, ``requests``, ``applications``, ``answered``;
* ``leavers``: the adults of the periods that ended this month (the cohort), counted by
  [category, household type, age band, legal sex, back] where back is "6" (back within 6
  months), "12" (within 12, not 6) or "no" (not within 12), as [..., count]; and
  ``periods``: the lengths in months of the periods that ended;
* year rows (``ÅÅÅÅ``): ``long_term``: ``adults``, ``long_term``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from bistand.cases.models import Application, Municipality, Transition
from bistand.decisions.models import Decision, Outcome, Proposal, StickprovControl
from bistand.workspace.models import CompletionRequest

from .measures.base import HOUR, Figures, add_months, month_of, months_between
from .models import MonthlyFigures

GOAL_SECONDS = 24 * 3600
FINE_UNTIL = 72 * 3600


def bucket(seconds: float) -> int:
    """Tenths of an hour (rounded up) up to 72 h; whole hours (rounded up) above."""
    seconds = max(0.0, seconds)
    if seconds <= FINE_UNTIL:
        return math.ceil(round(seconds, 3) / 360)
    return 720 + math.ceil(round(seconds - FINE_UNTIL, 3) / 3600)


def bucket_hours(index: int) -> float:
    """The bucket's upper edge in hours: what a percentile falling in it is reported as."""
    return round(index / 10, 1) if index <= 720 else float(72 + index - 720)


def _unit(value) -> int:
    return value or 0


def _new_month() -> dict[str, Any]:
    return {
        "lead": {route: {"n": 0, "within": 0, "hist": {}} for route in ("automated", "caseworker")},
        "decisions": {"total": 0, "automated": 0},
        "channel": {"submitted": 0, "digital": 0, "not_digital": 0},
        "states": {},
        "flags": {},
        "stickprov": {},
        "completion": {"submitted": 0, "requests": 0, "applications": 0, "answered": 0},
        "leavers": [],
        "periods": [],
    }


def collect_month(municipality_id: int, month: str) -> dict[int, dict[str, Any]]:
    """unit key → the month's data, from the raw tables."""
    from .measures import outcomes
    from .measures.base import Scope

    out: dict[int, dict[str, Any]] = defaultdict(_new_month)
    applications = Application.objects.filter(
        case__municipality_id=municipality_id, month=month, submitted_at__isnull=False
    )
    # Lead time: first submission (state log; submitted_at without one) to the decision.
    for unit, function, first_in, submitted_at, decided_at in (
        applications.filter(decision__isnull=False)
        .values(
            "pk",
            "case__unit_id",
            "decision__automated_function",
            "submitted_at",
            "decision__decided_at",
        )
        .annotate(first_in=Min("transitions__at", filter=Q(transitions__to_state="submitted")))
        .values_list(
            "case__unit_id",
            "decision__automated_function",
            "first_in",
            "submitted_at",
            "decision__decided_at",
        )
    ):
        seconds = max(0.0, (decided_at - (first_in or submitted_at)).total_seconds())
        lead = out[_unit(unit)]["lead"]["automated" if function else "caseworker"]
        lead["n"] += 1
        lead["within"] += seconds <= GOAL_SECONDS
        key = str(bucket(seconds))
        lead["hist"][key] = lead["hist"].get(key, 0) + 1
    for row in (
        Decision.objects.filter(application__in=applications)
        .values("application__case__unit_id")
        .annotate(total=Count("pk"), automated=Count("pk", filter=~Q(automated_function="")))
    ):
        out[_unit(row["application__case__unit_id"])]["decisions"] = {
            "total": row["total"],
            "automated": row["automated"],
        }
    # Channel: who made the first transition to "submitted".
    for unit, n in applications.values_list("case__unit_id").annotate(n=Count("pk")):
        out[_unit(unit)]["channel"]["submitted"] = n
        out[_unit(unit)]["completion"]["submitted"] = n
    seen: set[int] = set()
    for application_id, unit, actor in (
        Transition.objects.filter(application__in=applications, to_state="submitted")
        .order_by("application_id", "at", "pk")
        .values_list("application_id", "application__case__unit_id", "actor")
    ):
        if application_id in seen:
            continue
        seen.add(application_id)
        key = "digital" if actor.startswith("applicant:") else "not_digital"
        out[_unit(unit)]["channel"][key] += 1
    for unit, state, n, seconds in _time_in_states(municipality_id, month):
        out[_unit(unit)]["states"][state] = [n, float(seconds or 0)]
    # Flags, and whether the decision differs from the proposal.
    for unit, flags, outcome, amount, decided_outcome, decided_amount in Proposal.objects.filter(
        application__in=applications.filter(flagged=True)
    ).values_list(
        "application__case__unit_id",
        "flags",
        "outcome",
        "amount_ore",
        "application__decision__outcome",
        "application__decision__amount_ore",
    ):
        counts = out[_unit(unit)]["flags"]
        for code in {flag["code"] for flag in flags}:
            row = counts.setdefault(code, [0, 0, 0])
            row[0] += 1
            if decided_outcome is not None:
                row[1] += 1
                row[2] += decided_outcome != outcome or decided_amount != amount
    for unit, outcome, n in (
        StickprovControl.objects.filter(draw__municipality_id=municipality_id, draw__month=month)
        .values_list("decision__application__case__unit_id", "outcome")
        .annotate(n=Count("pk"))
    ):
        out[_unit(unit)]["stickprov"][outcome] = n
    for row in (
        CompletionRequest.objects.filter(application__in=applications)
        .values("application__case__unit_id")
        .annotate(
            requests=Count("pk"),
            applications=Count("application", distinct=True),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
        )
    ):
        completion = out[_unit(row["application__case__unit_id"])]["completion"]
        completion.update(
            requests=row["requests"], applications=row["applications"], answered=row["answered"]
        )
    # Outcomes: the adults whose period ended this month (this month's cohort).
    scope = Scope(municipality_id, month, month)
    counted: dict[tuple, int] = defaultdict(int)
    for leaver in outcomes.leavers(scope):
        back = leaver.back_after
        within = "no" if back is None or back > 12 else ("6" if back <= 6 else "12")
        key = (leaver.category, leaver.household_type, leaver.age_band, leaver.sex, within)
        counted[(_unit(leaver.unit_id), key)] += 1
    for (unit, key), n in sorted(counted.items()):
        out[unit]["leavers"].append([*key, n])
    for unit, first_month in outcomes.closed_periods(scope).values_list(
        "case__unit_id", "first_month"
    ):
        out[_unit(unit)]["periods"].append(len(months_between(first_month, month)))
    return out


def _time_in_states(municipality_id: int, month: str):
    """(unit, state left, times, seconds in it) for the month's applications' state logs."""
    if connection.vendor == "postgresql":
        seconds = "EXTRACT(EPOCH FROM (t.at - LAG(t.at) OVER w))"
    else:
        seconds = "(julianday(t.at) - julianday(LAG(t.at) OVER w)) * 86400.0"
    sql = f"""
        SELECT unit_id, from_state, COUNT(*), SUM(seconds) FROM (
            SELECT c.unit_id AS unit_id, t.from_state AS from_state, {seconds} AS seconds
            FROM cases_transition t
            JOIN cases_application a ON a.id = t.application_id
            JOIN cases_case c ON c.id = a.case_id
            WHERE c.municipality_id = %s AND a.month = %s
            WINDOW w AS (PARTITION BY t.application_id ORDER BY t.at, t.id)
        ) timed
        WHERE seconds IS NOT NULL
        GROUP BY unit_id, from_state
    """  # noqa: S608 - only our own fixed fragments are interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality_id, month])
        return cursor.fetchall()


def collect_year(municipality_id: int, year: int) -> dict[int, dict[str, Any]]:
    """unit key → {"long_term": {adults, long_term}} for the calendar year.

    Each adult's own months: a month counts for a person when their household's case had a
    granted decision (bifall, delvis bifall) for it and they were an adult member of that
    household during the month (membership dates checked), not the household's months
    before they joined or after they left. Counted per person and unit; 10 or more months is
    long-term."""
    from datetime import date

    from bistand.cases.membership import ADULT_ROLES
    from bistand.cases.models import HouseholdMember
    from bistand.followup.measures.outcomes import _valid

    out: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"long_term": {"adults": 0, "long_term": 0}}
    )
    memberships = list(
        HouseholdMember.objects.filter(
            role__in=ADULT_ROLES,
            household__case__municipality_id=municipality_id,
            valid_from__lte=date(year, 12, 31),
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 1)))
        .values_list("person_id", "household_id", "valid_from", "valid_to")
        .distinct()
    )
    granted: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for household, month, unit in (
        Application.objects.filter(
            case__municipality_id=municipality_id,
            case__household_id__in={m[1] for m in memberships},
            month__startswith=f"{year}-",
            decision__outcome__in=[Outcome.GRANT, Outcome.PARTIAL],
        )
        .values_list("case__household_id", "month", "case__unit_id")
        .distinct()
    ):
        granted[household].append((month, unit))
    months: dict[tuple[int, int | None], set[str]] = defaultdict(set)
    for person, household, valid_from, valid_to in memberships:
        for month, unit in granted[household]:
            if _valid(valid_from, valid_to, month):
                months[(person, unit)].add(month)
    for (_person, unit), own in months.items():
        figures = out[_unit(unit)]["long_term"]
        figures["adults"] += 1
        figures["long_term"] += len(own) >= 10
    return out


def months_with_data(municipality_id: int) -> list[str]:
    from bistand.outcomes.models import AssistancePeriod

    first = (
        Application.objects.filter(case__municipality_id=municipality_id)
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )
    earliest_end = (
        AssistancePeriod.objects.filter(case__municipality_id=municipality_id)
        .exclude(last_month="")
        .order_by("last_month")
        .values_list("last_month", flat=True)
        .first()
    )
    starts = [m for m in (first, earliest_end) if m]
    if not starts:
        return []
    return months_between(min(starts), month_of(timezone.now()))


def refresh(municipality_id: int | None = None, months: list[str] | None = None, log=None) -> int:
    """Recompute the rows of the months (default: every month with data up to now) and their
    years; returns how many rows were written."""
    written = 0
    municipalities = (
        [municipality_id]
        if municipality_id is not None
        else list(Municipality.objects.values_list("pk", flat=True))
    )
    now = timezone.now()
    for municipality in municipalities:
        wanted = months if months is not None else months_with_data(municipality)
        periods: list[tuple[str, dict]] = [(m, collect_month(municipality, m)) for m in wanted]
        for year in sorted({int(m[:4]) for m in wanted}):
            periods.append((str(year), collect_year(municipality, year)))
        with transaction.atomic():
            for period, by_unit in periods:
                MonthlyFigures.objects.filter(municipality_id=municipality, period=period).delete()
                MonthlyFigures.objects.bulk_create(
                    [
                        MonthlyFigures(
                            municipality_id=municipality,
                            unit_key=unit,
                            period=period,
                            data=data,
                            computed_at=now,
                        )
                        for unit, data in by_unit.items()
                    ]
                )
                written += len(by_unit)
        if log:
            log(f"kommun {municipality}: {len(periods)} månader och år beräknade")
    return written


def refresh_recent(log=None) -> int:
    """The current month and the 13 before it: what late decisions and returns still change."""
    last = month_of(timezone.now())
    return refresh(months=months_between(add_months(last, -13), last), log=log)


def load(scope) -> Figures:
    """The scope's month and year rows."""
    rows = MonthlyFigures.objects.filter(municipality_id=scope.municipality_id)
    if scope.units is not None:
        rows = rows.filter(unit_key__in=scope.units)
    years = [str(y) for y in range(int(scope.first[:4]), int(scope.last[:4]) + 1)]
    found = list(
        rows.filter(
            Q(period__gte=scope.first, period__lte=scope.last) | Q(period__in=years)
        ).values_list("period", "unit_key", "data", "computed_at")
    )
    return Figures(
        months=[(p, u, d) for p, u, d, _ in found if len(p) == 7],
        years=[(p, u, d) for p, u, d, _ in found if len(p) == 4],
        computed_at=min((c for *_, c in found), default=None),
    )


__all__ = ["HOUR", "bucket", "bucket_hours", "load", "refresh", "refresh_recent"]
