"""The aktivitetskrav in the demo (`bistand demo`, `make run`): one of the seeded households
with this month's återansökan submitted gets two more months of försörjningsstöd in its history
(decided and paid), so it has had försörjningsstöd for the three months before the demo month
and no individual plan. When the robot processes the month it flags AKTIVITETSKRAV_NO_PLAN with
the months as evidence. No new application: the demo's counts stay as they were. Made once per
municipality and month."""

from __future__ import annotations

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor, record
from bistand.cases import seeding
from bistand.cases.models import Application, ApplicationKind, HouseholdMember, State
from bistand.outcomes.models import AssistancePeriod
from bistand.rules.period import Month

from .services import add_months

DEMO = Actor.system("demo")
MONTHS = 3


def _candidate(municipality, month: str) -> Application | None:
    """A submitted återansökan of the month whose case has only last month behind it; a
    household without children first (the demo's clean families with children stay clean)."""
    last = add_months(month, -1)
    found = []
    for application in (
        Application.objects.filter(
            case__municipality=municipality,
            month=month,
            state=State.SUBMITTED,
            kind=ApplicationKind.REPEAT,
        )
        .select_related("case")
        .order_by("pk")
    ):
        earlier = list(
            application.case.applications.filter(month__lt=month).values_list("month", flat=True)
        )
        if earlier == [last]:
            found.append(application)
    without_children = [
        a for a in found if not any(m.get("role") == "child" for m in a.declared.get("members", []))
    ]
    return (without_children or found or [None])[0]


def load(municipality, month: Month, client=None) -> Application | None:
    """The application that will be flagged (None when made before or nothing fits)."""
    subject = f"municipality:{municipality.pk}:{month}"
    if AuditEvent.objects.filter(action="demo.aktivitetskrav_loaded", subject=subject).exists():
        return None
    application = _candidate(municipality, str(month))
    if application is None:
        return None
    case = application.case
    last = case.applications.get(month=add_months(str(month), -1))
    first = Month.parse(add_months(str(month), -MONTHS))
    HouseholdMember.objects.filter(household=case.household, valid_from__gt=first.first_day).update(
        valid_from=first.first_day
    )
    for i in range(MONTHS - 1):
        made = seeding.import_history(
            case,
            Month.parse(add_months(str(first), i)),
            last.declared,
            guidelines=municipality.guidelines or None,
        )
        if i:
            Application.objects.filter(pk=made.pk).update(kind=ApplicationKind.REPEAT)
    Application.objects.filter(pk=last.pk).update(kind=ApplicationKind.REPEAT)
    AssistancePeriod.objects.filter(case=case, closed_at__isnull=True).update(
        first_month=str(first)
    )
    record(
        "demo.aktivitetskrav_loaded",
        actor=DEMO,
        case_id=case.pk,
        subject=subject,
        data={"month": str(month), "application": application.pk, "from": str(first)},
    )
    return application
