"""The caseworker's queues: which applications wait for whom, filtered and sorted.

Every queue starts from the cases ``access.cases_visible_to(user)`` returns; the counts of all
queues and the month filter's choices come from two aggregate queries (grouped by month), and a page
of rows from one query, however many rows are shown.

Speed with many cases (docs/performance.md): a caseworker's unit has tens of thousands of
cases but only a few thousand open applications. So the queues ask for open applications (the
state index) and check each one's case by primary key (``visible_applications``: a correlated
``EXISTS``), rather than ``case_id IN (every case the user sees)``, which makes the database
list all those cases first and, on SQLite without statistics, walk every application of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bistand.cases import personnummer as pnr
from bistand.cases.models import Application, ApplicationKind, State
from bistand.decisions.models import ControlOutcome, StickprovControl
from bistand.payments.models import PaymentOrder
from bistand.robot.checks import REFORM_FLAG_LABELS
from bistand.robot.handover import FLAG_LABELS as HANDOVER_FLAG_LABELS
from bistand.staff import access

#: The 24-hour goal ("Beslut i morgon"): amber from 16 hours, red from 24.
WARNING_AFTER = timedelta(hours=16)
GOAL = timedelta(hours=24)

OPEN_STATES = (
    State.SUBMITTED,
    State.ROBOT_PROCESSING,
    State.PROPOSAL_READY,
    State.COMPLETION_REQUESTED,
)


@dataclass(frozen=True)
class Queue:
    slug: str
    title: str
    description: str
    condition: Q | None  # None: the stickprov queue, which lists controls, not applications
    open: bool = True  # of open applications (OPEN_STATES); False: of decided ones


QUEUES = (
    Queue(
        "att-besluta",
        "Att besluta",
        "Beslutsförslag som väntar på beslut av handläggare.",
        Q(state=State.PROPOSAL_READY),
    ),
    Queue(
        "flaggade",
        "Flaggade",
        "Beslutsförslag där roboten har flaggat något att pröva.",
        Q(state=State.PROPOSAL_READY, flagged=True),
    ),
    Queue(
        "kunde-inte-beraknas",
        "Kunde inte beräknas",
        "Ansökningar som roboten inte kunde beräkna: flaggan säger vad som saknas och vad som "
        "ska göras (robot/handover.py).",
        # A proposal without a calculation (the robot handed the application over).
        Q(state=State.PROPOSAL_READY, proposal__isnull=False, proposal__calculation__isnull=True),
    ),
    Queue(
        "nya",
        "Nya ansökningar",
        "Nyansökningar som inte är beslutade.",
        Q(kind=ApplicationKind.FIRST, state__in=OPEN_STATES),
    ),
    Queue(
        "komplettering",
        "Komplettering begärd",
        "Ansökningar där den sökande ska komplettera.",
        Q(state=State.COMPLETION_REQUESTED),
    ),
    Queue(
        "utan-konto",
        "Beviljat utan konto",
        "Beviljade beslut som inte kan betalas ut: den sökande har inte angett något konto. "
        "Be den sökande ange konto på Mina sidor; betalningen går med i nästa betalfil.",
        # A pending payment whose payee has no payout account (payments.awaiting_account):
        # asked from the few pending orders (their status index), not from every decision.
        Q(
            state=State.DECIDED,
            pk__in=PaymentOrder.objects.filter(
                status="pending", payee__payout_account__isnull=True
            ).values("application_id"),
        ),
        open=False,
    ),
    Queue(
        "stickprov",
        "Stickprov",
        "Beslut som dragits till stickprovskontroll och inte är kontrollerade.",
        None,
    ),
)
BY_SLUG = {queue.slug: queue for queue in QUEUES}

FLAG_LABELS = {
    "REGISTER_UNKNOWN": "Registeruppgift okänd",
    "INCOME_DIFFERS": "Inkomst skiljer sig från register",
    "INCOME_NOT_DECLARED": "Inkomst i register saknas i ansökan",
    "INCOME_NOT_IN_REGISTER": "Inkomst i ansökan saknas i register",
    "NO_PREVIOUS_MONTH": "Ingen ansökan förra månaden",
    "HOUSEHOLD_CHANGE": "Hushållet har ändrats",
    "NEW_INCOME": "Ny inkomst",
    "INCOME_DROPPED": "Inkomst har upphört",
    "NEW_COST": "Ny kostnad",
    "RENT_CHANGED": "Boendekostnaden har ändrats",
    "POPULATION_REGISTER_MISMATCH": "Folkbokföringen stämmer inte",
    "NOT_REGISTERED_AF": "Inte inskriven hos Arbetsförmedlingen",
    "NO_ACTIVE_PLANNING": "Ingen aktiv planering",
    "VEHICLE": "Fordon",
    "ASSET_DECLARED": "Tillgång",
    "OTHER_NEEDS": "Behov utöver försörjningsstöd",
    "CHANGES_REPORTED": "Ändringar angivna i fritext",
    "COST_ABOVE_CAP": "Kostnad över riktlinjen",
    "PROVISIONAL_PARAMETER": "Preliminärt belopp",
    **HANDOVER_FLAG_LABELS,
    **REFORM_FLAG_LABELS,
}

SORTS = {
    "aldst": ("Äldst först", ("submitted_at", "pk")),
    "nyast": ("Nyast först", ("-submitted_at", "-pk")),
}
ASSIGNED = {"alla": "Alla", "mig": "Tilldelade mig", "ingen": "Inte tilldelade"}


@dataclass(frozen=True)
class Filters:
    month: str = ""
    unit: int | None = None
    flag: str = ""
    assigned: str = "alla"
    sort: str = "aldst"

    @classmethod
    def from_query(cls, params) -> Filters:
        month = params.get("manad", "").strip()
        if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
            month = ""
        try:
            unit = int(params.get("enhet", "")) or None
        except ValueError:
            unit = None
        flag = params.get("flagga", "")
        assigned = params.get("tilldelad", "alla")
        sort = params.get("sortering", "aldst")
        return cls(
            month=month,
            unit=unit,
            flag=flag if flag in FLAG_LABELS else "",
            assigned=assigned if assigned in ASSIGNED else "alla",
            sort=sort if sort in SORTS else "aldst",
        )

    def apply(self, applications: QuerySet[Application], user) -> QuerySet[Application]:
        if self.month:
            applications = applications.filter(month=self.month)
        if self.unit:
            applications = applications.filter(case__unit_id=self.unit)
        if self.flag:
            # The flags are a JSON list of {"code": ...}; a quoted code matches on SQLite and
            # PostgreSQL alike (no JSON containment on SQLite).
            applications = applications.filter(proposal__flags__icontains=f'"{self.flag}"')
        if self.assigned == "mig":
            applications = applications.filter(assignment__user=user)
        elif self.assigned == "ingen":
            applications = applications.filter(assignment__isnull=True)
        return applications

    def apply_to_controls(self, controls: QuerySet[StickprovControl]) -> QuerySet:
        if self.month:
            controls = controls.filter(decision__application__month=self.month)
        if self.unit:
            controls = controls.filter(decision__application__case__unit_id=self.unit)
        return controls


def visible_applications(user) -> QuerySet[Application]:
    """The applications of the cases the user sees (``access.cases_visible_to``), as a check
    per application row (see the module's docstring)."""
    if not access.roles(user):
        return Application.objects.none()
    cases = access.cases_visible_to(user).filter(pk=OuterRef("case_id"))
    return Application.objects.filter(Exists(cases))


@dataclass(frozen=True)
class Overview:
    counts: dict[str, int]  # queue slug → rows under the filters
    months: list[str]  # ÅÅÅÅ-MM, latest first: the month filter's choices


def overview(user, filters: Filters, *, month_limit: int = 24) -> Overview:
    """How many rows each queue has with these filters, and the months the month filter offers
    (those with something in a queue under the other filters): one query grouped by month for
    the applications' queues, one for stickprov."""
    any_month = replace(filters, month="")
    # Every application queue is of open applications: asking for them first lets the database
    # start from the state index instead of all the unit's applications.
    open_applications = any_month.apply(
        visible_applications(user).filter(state__in=OPEN_STATES), user
    )
    slugs = [queue.slug for queue in QUEUES]
    per_month = (
        open_applications.order_by()
        .values("month")
        .annotate(
            **{
                queue.slug: Count("pk", filter=queue.condition)
                for queue in QUEUES
                if queue.condition is not None and queue.open
            }
        )
    )
    # The queues of decided applications: one more query each (a few rows: the index on
    # the payments' status finds them).
    decided = [
        any_month.apply(visible_applications(user).filter(queue.condition), user)
        .order_by()
        .values("month")
        .annotate(**{queue.slug: Count("pk")})
        for queue in QUEUES
        if queue.condition is not None and not queue.open
    ]
    controls = (
        any_month.apply_to_controls(pending_controls(user))
        .order_by()
        .values("decision__application__month")
        .annotate(stickprov=Count("pk"))
    )
    totals = dict.fromkeys(slugs, 0)
    months = set()
    for row in [*per_month, *controls, *(row for rows_ in decided for row in rows_)]:
        month = row.pop("month", None) or row.pop("decision__application__month")
        months.add(month)
        if filters.month and month != filters.month:
            continue
        for slug, count in row.items():
            totals[slug] += count
    return Overview(totals, sorted(months, reverse=True)[:month_limit])


def counts(user, filters: Filters) -> dict[str, int]:
    """How many rows each queue has with these filters (``overview``)."""
    return overview(user, filters).counts


def rows(user, queue: Queue, filters: Filters) -> QuerySet[Application]:
    applications = filters.apply(visible_applications(user), user).filter(queue.condition)
    return applications.select_related("case__unit", "proposal", "assignment__user").order_by(
        *SORTS[filters.sort][1]
    )


def pending_controls(user) -> QuerySet[StickprovControl]:
    visible = visible_applications(user).filter(pk=OuterRef("decision__application_id"))
    return (
        StickprovControl.objects.filter(Exists(visible), outcome=ControlOutcome.PENDING)
        .select_related(
            "draw", "decision__application__case__unit", "decision__decided_by", "decision"
        )
        .order_by("draw__month", "decision__decided_at", "pk")
    )


def months(user, limit: int = 24) -> list[str]:
    """The months (ÅÅÅÅ-MM, latest first) with an open application or a pending stickprov
    control the user sees, i.e. with something in a queue (``overview``)."""
    return overview(user, Filters(), month_limit=limit).months


@dataclass(frozen=True)
class Clock:
    """Time since submission against the 24-hour goal, in words and as a level."""

    hours: int
    level: str  # "ok" | "warning" | "late"
    text: str

    @property
    def elapsed(self) -> str:
        if self.hours < 1:
            return "mindre än 1 timme"
        if self.hours < 48:
            return f"{self.hours} tim"
        return f"{self.hours // 24} dygn {self.hours % 24} tim"


def clock(submitted_at: datetime | None, now: datetime | None = None) -> Clock | None:
    if submitted_at is None:
        return None
    age = (now or timezone.now()) - submitted_at
    hours = max(int(age.total_seconds() // 3600), 0)
    if age >= GOAL:
        return Clock(hours, "late", "Över 24 timmar")
    if age >= WARNING_AFTER:
        return Clock(hours, "warning", "Snart 24 timmar")
    return Clock(hours, "ok", "Inom 24 timmar")


def applicant_masked(application: Application) -> str:
    for member in application.declared.get("members", []):
        if member.get("role") == "applicant":
            return pnr.mask(member["personnummer"])
    return ""
