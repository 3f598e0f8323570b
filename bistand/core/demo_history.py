"""A year of synthetic history for the demo (``bistand demo``; issue 14 "Done when").

Households of their own (synthetic, seed ``HISTORY_SEED``, test personnummer) that lived
through the twelve months before this one: some on assistance the whole year, some who left
(for work, studies, another benefit, moved, unknown) and did not come back, some who came back
months later (a new period: a return), some who started recently. Every month of a period has
an application decided, automatically (minutes after it came in) or by a caseworker (hours to
days), and paid; each adult has a försörjningshinder (and maybe an activity) for the month; a
few months have a stickprov with outcomes recorded.

Deterministic (one ``random.Random`` per seed) and fast: the month's records are written in
bulk, the calculation is made once per household and year with the real rules engine; the
periods are opened and closed through ``bistand.outcomes.services`` (``ensure_period``,
``close_period``, audited) and the stickprov through ``bistand.decisions.stickprov``. What is
written in bulk (applications, their state log, proposals, decisions, payments, adult months)
gets one audit event, ``demo.history_imported``, with the counts. Safe to run again, also in a
later month: a municipality that has had its history loaded (the audit event) gets no more.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor, record
from bistand.cases import seeding, synthetic
from bistand.cases.models import (
    Application,
    ApplicationKind,
    Case,
    Municipality,
    Person,
    State,
    Transition,
    Unit,
)
from bistand.cases.services import Member, open_case
from bistand.decisions import stickprov
from bistand.decisions.models import (
    CalculationSnapshot,
    ControlOutcome,
    Decision,
    DecisionItem,
    DecisionPolicy,
    Outcome,
    Proposal,
    Route,
    StickprovDraw,
)
from bistand.decisions.services import (
    AUTOMATED_FUNCTION,
    AUTOMATED_FUNCTION_VERSION,
    LEGAL_BASIS_INCOME_SUPPORT,
)
from bistand.outcomes import services as outcomes
from bistand.outcomes.models import AdultMonth, AdultMonthSource, AssistancePeriod, ClosureProposal
from bistand.payments.models import PaymentOrder, PaymentStatus
from bistand.rules import calculate_json
from bistand.rules.explain import month_sv
from bistand.rules.money import to_ore
from bistand.rules.period import Month
from bistand.staff.models import Role

HISTORY_SEED = 14
HISTORY_HOUSEHOLDS = 40
MONTHS = 12
DEMO = Actor.system("demo")
ROBOT = Actor.system("robot")
#: Profiles and how many of the households follow each (in this order).
PROFILES = (("whole_year", 9), ("left", 15), ("returned", 9), ("recent", 7))
EXIT_REASONS = (
    "work",
    "work",
    "work",
    "studies",
    "unemployment_benefit",
    "sickness_benefit",
    "pension",
    "moved",
    "unknown",
    "household_income",
)
HINDER_BY_PROFILE = {
    "whole_year": ("sick_certified", "sick_uncertified", "unemployed_none", "work_insufficient"),
    "left": ("unemployed_none", "unemployed_low", "unemployed_waiting"),
    "returned": ("unemployed_none", "unemployed_low", "sick_uncertified"),
    "recent": ("unemployed_waiting", "unemployed_none", "work_insufficient"),
}
ACTIVITIES = ("", "", "municipal", "employment_service", "sfi", "adult_education")
STICKPROV_MONTHS = 3  # the months before last month with a stickprov and recorded outcomes
CONTROL_OUTCOMES = (
    ControlOutcome.CORRECT,
    ControlOutcome.CORRECT,
    ControlOutcome.CORRECT,
    ControlOutcome.CORRECT,
    ControlOutcome.WRONG_INCOME,
    ControlOutcome.CORRECT,
    ControlOutcome.MISSING_DOCUMENT,
)


@dataclass
class HistoryResult:
    households: int = 0
    applications: int = 0
    automated: int = 0
    closed: int = 0
    returns: int = 0
    controls: int = 0
    skipped: bool = False
    recorded: int = 0  # försörjningshinder recorded for the other demo households' last month
    months: list[str] = field(default_factory=list)


def months_before(month: Month, n: int) -> list[Month]:
    """The ``n`` months before ``month``, oldest first."""
    out = []
    year, number = month.year, month.month
    for _ in range(n):
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
        out.append(Month(year, number))
    return out[::-1]


def _plan(rng: random.Random, profile: str) -> list[tuple[int, int, str | None]]:
    """Periods as (first index, last index, exit reason or None = still open) over the
    twelve months (index 11 = last month)."""
    if profile == "whole_year":
        return [(0, MONTHS - 1, None)]
    if profile == "recent":
        return [(rng.randint(MONTHS - 4, MONTHS - 1), MONTHS - 1, None)]
    if profile == "left":
        start = rng.randint(0, 6)
        end = min(start + rng.randint(1, 5), MONTHS - 3)
        return [(start, end, rng.choice(EXIT_REASONS))]
    start = rng.randint(0, 2)  # returned
    end = start + rng.randint(1, 3)
    back = end + rng.randint(2, 4)
    still_open = rng.random() < 0.6
    last = MONTHS - 1 if still_open else min(back + rng.randint(1, 3), MONTHS - 2)
    return [
        (start, end, rng.choice(("work", "unknown", "unemployment_benefit", "moved"))),
        (back, last, None if still_open else rng.choice(("work", "studies"))),
    ]


class _Batch:
    """The history's rows, built in memory and written model by model (``bulk_create``: no
    per-row signals, so no django-simple-history rows for imported history)."""

    MODELS = (
        Application,
        Transition,
        CalculationSnapshot,
        Proposal,
        Decision,
        DecisionItem,
        PaymentOrder,
        AdultMonth,
    )

    def __init__(self):
        self.rows: dict[type, list] = {model: [] for model in self.MODELS}
        #: (case, adults, [(period number, applications, exit reason or None)])
        self.periods: list[tuple[Case, list[Person], list[tuple[list[Application], str | None]]]]
        self.periods = []

    def add(self, *objects) -> None:
        for obj in objects:
            self.rows[type(obj)].append(obj)

    def write(self) -> None:
        for model in self.MODELS:
            # The parents were written a step before: bulk_create takes their ids.
            model.objects.bulk_create(self.rows[model], batch_size=500)


def load(municipality: Municipality, month: Month) -> HistoryResult:
    """The year before ``month`` for ``HISTORY_HOUSEHOLDS`` households of their own."""
    months = months_before(month, MONTHS)
    result = HistoryResult(months=[str(m) for m in months])
    if AuditEvent.objects.filter(
        action="demo.history_imported", subject=f"municipality:{municipality.pk}"
    ).exists():
        result.skipped = True  # loaded before (perhaps in an earlier month): once is enough
        return result
    rng = random.Random(f"bistand-demo-history-{HISTORY_SEED}")  # noqa: S311 - synthetic data
    units = list(Unit.objects.filter(municipality=municipality).order_by("name"))
    caseworkers = list(
        get_user_model()
        .objects.filter(
            staff__municipality=municipality,
            groups__name__in=(Role.CASEWORKER, Role.TEAM_LEAD),
        )
        .distinct()
        .order_by("username")
    ) or [seeding._import_user()]
    context = _Context(
        rng=rng,
        municipality=municipality,
        months=months,
        caseworkers=caseworkers,
        hinder=_storable(outcomes.HINDER, months[-1], "hinder"),
        activities=_storable(outcomes.ACTIVITIES, months[-1], "activity"),
        batch=_Batch(),
        result=result,
        delegation_reference=getattr(
            DecisionPolicy.objects.filter(municipality=municipality).first(),
            "delegation_reference",
            "",
        ),
    )
    profiles = [p for p, n in PROFILES for _ in range(n)]
    households = synthetic.households(HISTORY_HOUSEHOLDS, months[-1], HISTORY_SEED)
    known = set(
        Person.objects.filter(
            personnummer__in=[m["personnummer"] for h in households for m in h.members]
        ).values_list("personnummer", flat=True)
    )
    with transaction.atomic():
        for index, (household, profile) in enumerate(zip(households, profiles, strict=False)):
            if any(m["personnummer"] in known for m in household.members):
                continue  # a person of another demo household: leave them be
            unit = units[index % len(units)] if units else None
            _one_household(context, household, profile, _plan(rng, profile), unit)
        context.batch.write()
        _periods(context)
        result.recorded = _last_month_hinder(context, months[-1])
        result.controls = _stickprov(rng, municipality, months[-1 - STICKPROV_MONTHS : -1])
        record(
            "demo.history_imported",
            actor=DEMO,
            subject=f"municipality:{municipality.pk}",
            data={
                "from": str(months[0]),
                "to": str(months[-1]),
                "households": result.households,
                "applications": result.applications,
                "automated": result.automated,
                "closed": result.closed,
                "returns": result.returns,
                "stickprov_controls": result.controls,
                "last_month_hinder_recorded": result.recorded,
            },
        )
    return result


def _known(wanted: tuple[str, ...], table: dict) -> list[str]:
    """The wanted codes the table has (all its codes if none)."""
    return [c for c in wanted if c in table] or list(table)


def _storable(table_id: str, month: Month, field_name: str) -> dict:
    """The table's codes that fit the AdultMonth field (PostgreSQL refuses a longer one; the
    code tables are tested to fit since b13e9f2, this keeps the demo loading if one slips)."""
    limit = AdultMonth._meta.get_field(field_name).max_length
    return {c: row for c, row in outcomes.codes(table_id, month).items() if len(c) <= limit}


@dataclass
class _Context:
    rng: random.Random
    municipality: Municipality
    months: list[Month]
    caseworkers: list
    hinder: dict
    activities: dict
    batch: _Batch
    result: HistoryResult
    #: The municipality's delegation order, named by every automated decision (its letter must
    #: say under which delegation it was made, FL 32 § and KL 6 kap. 37 §).
    delegation_reference: str = ""


def _one_household(context: _Context, household, profile: str, plan, unit) -> None:
    from bistand.robot.pipeline import rules_input

    rng, months = context.rng, context.months
    persons = [
        Person.objects.create(
            personnummer=m["personnummer"], given_name=m["given_name"], family_name=m["family_name"]
        )
        for m in household.members
    ]
    first_month = months[plan[0][0]]
    case = open_case(
        context.municipality,
        [
            Member(p, m["role"], m.get("days"))
            for p, m in zip(persons, household.members, strict=True)
        ],
        actor=DEMO,
        unit=unit,
        since=months_before(first_month, 1)[0].first_day,
    )
    context.result.households += 1
    adults = [
        p
        for p, m in zip(persons, household.members, strict=True)
        if m["role"] in ("applicant", "partner")
    ]
    declared = household.previous
    calculations: dict[int, object] = {}
    habits = _Habits(
        hinder={
            p.pk: rng.choice(_known(HINDER_BY_PROFILE[profile], context.hinder)) for p in adults
        },
        activity={p.pk: rng.choice(ACTIVITIES) for p in adults},
        digital=rng.random() < 0.8,
    )
    periods = []
    for start, end, reason in plan:
        made = []
        for i in range(start, end + 1):
            month = months[i]
            kind = ApplicationKind.FIRST if i == start else ApplicationKind.REPEAT
            if month.year not in calculations:
                probe = Application(month=str(month), declared=declared, kind=kind)
                calculations[month.year] = calculate_json(
                    rules_input(probe, context.municipality.guidelines or None, granted=[])
                )
            made.append(
                _application(
                    context, case, month, kind, declared, calculations[month.year], adults, habits
                )
            )
        periods.append((made, reason))
    context.batch.periods.append((case, adults, periods))


@dataclass
class _Habits:
    hinder: dict[int, str]
    activity: dict[int, str]
    digital: bool


def _periods(context: _Context) -> None:
    """Each household's periods opened and closed through the outcomes services (audited), then
    dated as they would have been (the services stamp now)."""
    rng = context.rng
    for case, adults, periods in context.batch.periods:
        for number, (made, reason) in enumerate(periods, start=1):
            period = outcomes.ensure_period(made[0], actor=DEMO)
            AssistancePeriod.objects.filter(pk=period.pk).update(opened_at=made[0].submitted_at)
            if number > 1:
                context.result.returns += 1
            if reason is None:
                continue
            last = Month.parse(made[-1].month)
            if rng.random() < 0.4:
                # The robot proposed closing after the household stopped applying; accepted.
                ClosureProposal.objects.create(
                    case=case,
                    proposed_at=_at(last, 1, 6, 0) + timedelta(days=rng.randint(35, 50)),
                    months_without_application=1,
                    last_applied_month=str(last),
                )
            outcomes.close_period(
                case,
                last_month=str(last),
                reasons={p.pk: reason for p in adults},
                actor=Actor.system("demo-caseworker"),
            )
            closed_at = _at(last, 1, 10, 0) + timedelta(days=rng.randint(33, 45))
            AssistancePeriod.objects.filter(pk=period.pk).update(closed_at=closed_at)
            context.result.closed += 1


def _last_month_hinder(context: _Context, month: Month) -> int:
    """The demo's other households (bistand demo's 25, the e-service's) had last month decided
    without a försörjningshinder: a caseworker records one per adult (record_adult_month,
    audited), so last month's statistics are not blocked by them."""
    recorded = 0
    applications = (
        Application.objects.filter(
            case__municipality=context.municipality, month=str(month), decision__isnull=False
        )
        .exclude(adult_months__isnull=False)
        .select_related("case__household")
        .order_by("pk")
    )
    wanted = _known(HINDER_BY_PROFILE["whole_year"], context.hinder)
    for application in applications:
        for person in outcomes.adults(application.case, application.month):
            outcomes.record_adult_month(
                application,
                person,
                hinder=context.rng.choice(wanted),
                activity="",
                source=AdultMonthSource.CASEWORKER,
                actor=Actor.system("demo-caseworker"),
            )
            recorded += 1
    return recorded


def _at(month: Month, day: int, hour: int, minute: int) -> datetime:
    return timezone.make_aware(
        datetime.combine(month.first_day.replace(day=day), time(hour, minute))
    )


def _application(
    context: _Context,
    case: Case,
    month: Month,
    kind: str,
    declared: dict,
    calculation,
    adults: list[Person],
    habits: _Habits,
) -> Application:
    rng, batch = context.rng, context.batch
    before = months_before(month, 1)[0]
    submitted = _at(before, rng.randint(18, 28), rng.randint(7, 21), rng.randint(0, 59))
    automated = kind == ApplicationKind.REPEAT and rng.random() < 0.65
    if automated:
        decided = submitted + timedelta(minutes=rng.randint(2, 40))
    elif rng.random() < 0.55:
        decided = submitted + timedelta(hours=rng.randint(1, 23), minutes=rng.randint(0, 59))
    else:
        decided = submitted + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
    proposed = submitted + min(timedelta(minutes=rng.randint(1, 3)), decided - submitted)
    amount = to_ore(calculation.amount)
    outcome = Outcome.GRANT if amount > 0 else Outcome.REFUSAL
    if outcome == Outcome.REFUSAL:
        automated = False
    flags = [] if automated or rng.random() < 0.4 else [{"code": rng.choice(FLAGS), "text": ""}]
    application = Application(
        case=case,
        month=str(month),
        kind=kind,
        declared=declared,
        state=State.PAID if amount > 0 else State.DECIDED,
        state_changed_at=decided,
        created_at=submitted - timedelta(minutes=rng.randint(5, 90)),
        submitted_at=submitted,
        flagged=bool(flags),
    )
    applicant = (
        Actor.applicant(adults[0]) if habits.digital and adults else Actor.system("registrering")
    )
    decider = None if automated else rng.choice(context.caseworkers)
    actor = ROBOT if automated else Actor.user(decider)
    states = [
        (State.DRAFT, State.SUBMITTED, submitted, applicant),
        (State.SUBMITTED, State.ROBOT_PROCESSING, submitted + timedelta(seconds=20), ROBOT),
        (State.ROBOT_PROCESSING, State.PROPOSAL_READY, proposed, ROBOT),
        (State.PROPOSAL_READY, State.DECIDED, decided, actor),
    ]
    if amount > 0:
        states.append((State.DECIDED, State.PAID, decided + timedelta(days=1), DEMO))
    snapshot = CalculationSnapshot(
        application=application,
        trace=calculation.trace(),
        trace_sha256="",
        amount_ore=amount,
        provisional=calculation.provisional,
        engine_version=calculation.engine_version,
        created_at=proposed,
        created_by=ROBOT,
    )
    proposal = Proposal(
        application=application,
        calculation=snapshot,
        outcome=outcome,
        amount_ore=amount,
        route=Route.AUTOMATED if automated else Route.CASEWORKER,
        route_reasons=[] if automated else ["förstagångsansökan" if kind == "first" else "flagga"],
        flags=flags,
        created_at=proposed,
        created_by=ROBOT,
    )
    decision = Decision(
        application=application,
        proposal=proposal,
        calculation=snapshot,
        outcome=outcome,
        amount_ore=amount,
        decided_at=decided,
        decided_by=decider,
        automated_function=AUTOMATED_FUNCTION if automated else "",
        automated_function_version=AUTOMATED_FUNCTION_VERSION if automated else "",
        rules_version=calculation.engine_version,
        delegation_reference=context.delegation_reference if automated else "",
    )
    batch.add(application, snapshot, proposal, decision)
    batch.add(
        *(
            Transition(application=application, from_state=f, to_state=t, at=at, actor=who)
            for f, t, at, who in states
        )
    )
    batch.add(
        DecisionItem(
            decision=decision,
            code="income_support",
            label=f"Försörjningsstöd för {month_sv(str(month))}",
            outcome=outcome,
            amount_ore=amount,
            reasons="Syntetisk historik för demonstrationen.",
            legal_basis=LEGAL_BASIS_INCOME_SUPPORT,
        )
    )
    if amount > 0:
        batch.add(
            PaymentOrder(
                decision=decision,
                application=application,
                payee=adults[0],
                amount_ore=amount,
                due_date=(decided + timedelta(days=1)).date(),
                status=PaymentStatus.PAID,
                created_at=decided,
                paid_at=decided + timedelta(days=1),
            )
        )
    for person in adults:
        hinder, activity = habits.hinder[person.pk], habits.activity[person.pk]
        batch.add(
            AdultMonth(
                application=application,
                person=person,
                month=str(month),
                hinder=hinder if hinder in context.hinder else "",
                activity=activity if activity in context.activities else "",
                source=AdultMonthSource.APPLICANT
                if habits.digital
                else AdultMonthSource.CASEWORKER,
                recorded_by=applicant,
                recorded_at=submitted,
            )
        )
    context.result.applications += 1
    context.result.automated += automated
    return application


FLAGS = ("INCOME_CHANGE", "NEW_INCOME", "HOUSEHOLD_CHANGE", "HIGH_HOUSING_COST")


def _stickprov(rng: random.Random, municipality: Municipality, months: list[Month]) -> int:
    """A stickprov for each of the months, with every control's outcome recorded."""
    recorded = 0
    for month in months:
        if StickprovDraw.objects.filter(municipality=municipality, month=str(month)).exists():
            continue
        draw = stickprov.draw(municipality, str(month), actor=DEMO, seed=f"demo-{month}")
        for control in draw.controls.select_related("decision__application").order_by("pk"):
            stickprov.record_outcome(
                control, rng.choice(CONTROL_OUTCOMES), actor=Actor.system("demo-gruppledare")
            )
            recorded += 1
    return recorded
