"""The month's figures for IVO and the nämnd, per unit: how many are covered by the
aktivitetskrav, how many of them have a plan, hours offered, attendance, absences by reason,
reductions decided. Counts only: no person is named (the page writes no access log)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from bistand.cases.models import Application, State, Unit
from bistand.rules.period import Month

from .models import AbsenceReason, Activity, Attendance, ReasonAssessment, Reduction
from .services import ADULT_ROLES, statuses

NO_UNIT = "Utan enhet"


@dataclass
class UnitFigures:
    unit_id: int | None
    unit: str
    adults: int = 0
    covered: int = 0
    covered_with_plan: int = 0
    exempt: int = 0
    hours_offered: Decimal = Decimal(0)
    attendance_days: int = 0
    absence_days: int = 0
    absences_by_reason: dict[str, int] = field(default_factory=dict)
    absences_not_accepted: int = 0
    reductions: int = 0
    refusals: int = 0

    def as_dict(self) -> dict:
        return {
            "unit_id": self.unit_id,
            "unit": self.unit,
            "adults": self.adults,
            "covered": self.covered,
            "covered_with_plan": self.covered_with_plan,
            "exempt": self.exempt,
            "hours_offered": str(self.hours_offered),
            "attendance_days": self.attendance_days,
            "absence_days": self.absence_days,
            "absences_by_reason": self.absences_by_reason,
            "absences_not_accepted": self.absences_not_accepted,
            "reductions": self.reductions,
            "refusals": self.refusals,
        }


def _hours(activity: Activity, month: Month) -> Decimal:
    """Hours offered in the month: hours per week × the activity's days in the month / 7."""
    start = max(activity.start, month.first_day)
    end = min(activity.end or month.last_day, month.last_day)
    if end < start:
        return Decimal(0)
    days = (end - start).days + 1
    return Decimal(activity.hours_per_week) * days / 7


def month_figures(
    municipality_id: int, month: str, unit_ids: tuple[int, ...] | None
) -> list[UnitFigures]:
    """One row per unit (the ones asked for, or all of the municipality's), then the total."""
    m = Month.parse(month)
    units = Unit.objects.filter(municipality_id=municipality_id).order_by("name")
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    rows = {u.pk: UnitFigures(u.pk, u.name) for u in units}
    if unit_ids is None:
        rows[None] = UnitFigures(None, NO_UNIT)

    def in_scope(qs, prefix: str = "case__"):
        qs = qs.filter(**{f"{prefix}municipality_id": municipality_id})
        if unit_ids is not None:
            qs = qs.filter(**{f"{prefix}unit_id__in": unit_ids})
        return qs

    applications = in_scope(Application.objects.filter(month=month)).exclude(
        state__in=[State.DRAFT, State.WITHDRAWN, State.AWAITING_COSIGNATURE]
    )
    adult_rows = applications.filter(
        case__household__members__role__in=ADULT_ROLES,
        case__household__members__valid_from__lte=m.last_day,
    ).values_list(
        "case__unit_id", "case__household__members__person_id", "case__household__members__valid_to"
    )
    person_unit: dict[int, int | None] = {}
    for unit_id, person_id, valid_to in adult_rows:
        if valid_to is None or valid_to >= m.first_day:
            person_unit.setdefault(person_id, unit_id)
    found = statuses((p, month) for p in person_unit)
    for person_id, unit_id in person_unit.items():
        row = rows.get(unit_id)
        if row is None:
            continue
        st = found[(person_id, month)]
        row.adults += 1
        row.exempt += st.in_force and st.reaches_threshold and st.exempt
        if st.covered:
            row.covered += 1
            if st.has_activities:
                row.covered_with_plan += 1
    for activity in in_scope(
        Activity.objects.filter(start__lte=m.last_day).select_related("plan__case"),
        "plan__case__",
    ).exclude(end__lt=m.first_day):
        row = rows.get(activity.plan.case.unit_id)
        if row is not None:
            row.hours_offered += _hours(activity, m)
    reasons: dict[int | None, Counter] = defaultdict(Counter)
    for unit_id, present, kind, assessment in in_scope(
        Attendance.objects.filter(month=month)
    ).values_list("case__unit_id", "present", "reason_kind", "assessment"):
        row = rows.get(unit_id)
        if row is None:
            continue
        if present:
            row.attendance_days += 1
        else:
            row.absence_days += 1
            reasons[unit_id][AbsenceReason(kind).label if kind else "ej angivet"] += 1
            row.absences_not_accepted += assessment == ReasonAssessment.NOT_ACCEPTED
    decided = Q(decision__isnull=False) | Q(
        application__decision__outcome__in=("partial", "refusal")
    )
    for unit_id, outcome, later in (
        in_scope(Reduction.objects.filter(month=month))
        .filter(decided)
        .values_list("case__unit_id", "outcome", "application__decision__outcome")
    ):
        outcome = later or outcome  # a four-eyes decision: as the second approval made it
        row = rows.get(unit_id)
        if row is not None:
            if outcome == "refusal":
                row.refusals += 1
            else:
                row.reductions += 1
    for unit_id, counter in reasons.items():
        rows[unit_id].absences_by_reason = dict(sorted(counter.items()))
    result = [r for r in rows.values() if r.unit_id is not None or r.adults or r.absence_days]
    total = UnitFigures(None, "Totalt")
    for r in result:
        for name in (
            "adults",
            "covered",
            "covered_with_plan",
            "exempt",
            "hours_offered",
            "attendance_days",
            "absence_days",
            "absences_not_accepted",
            "reductions",
            "refusals",
        ):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        for reason, n in r.absences_by_reason.items():
            total.absences_by_reason[reason] = total.absences_by_reason.get(reason, 0) + n
    for r in [*result, total]:
        r.hours_offered = r.hours_offered.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return [*result, total]
