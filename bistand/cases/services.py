"""Opening cases and submitting applications. Views, commands and tests call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bistand.audit.services import record
from bistand.rules.money import AmountError, parse_amount
from bistand.rules.period import Month

from . import personnummer as pnr
from .models import (
    Application,
    ApplicationKind,
    Case,
    Household,
    HouseholdMember,
    MembershipBasis,
    Municipality,
    Person,
    Role,
    State,
    Unit,
)
from .states import transition

COST_TYPES = (
    "rent",
    "electricity",
    "work_travel",
    "home_insurance",
    "union_fee",
    "unemployment_fund_fee",
)


@dataclass
class Member:
    person: Person
    role: str
    days: int | None = None
    # How the membership came about; None: registered by the municipality for an adult,
    # declared for a child or another person (cases.models.MembershipBasis).
    basis: str | None = None

    def basis_or_default(self) -> str:
        if self.basis:
            return self.basis
        adult = self.role in (Role.APPLICANT, Role.PARTNER)
        return MembershipBasis.REGISTERED if adult else MembershipBasis.DECLARED


def get_or_create_person(personnummer: str, **names: str) -> Person:
    canonical = pnr.normalise(personnummer)
    person, _ = Person.objects.get_or_create(personnummer=canonical, defaults=names)
    return person


def open_case(
    municipality: Municipality,
    members: list[Member],
    *,
    actor: str,
    unit: Unit | None = None,
    since: date | None = None,
) -> Case:
    """A new household and its case (ärende), with its members from ``since``."""
    if [m.role for m in members].count(Role.APPLICANT) != 1:
        raise ValidationError("Ett ärende har exakt en sökande.")
    since = since or timezone.localdate()
    with transaction.atomic():
        household = Household.objects.create(municipality=municipality)
        HouseholdMember.objects.bulk_create(
            HouseholdMember(
                household=household,
                person=m.person,
                role=m.role,
                valid_from=since,
                days_per_month=m.days,
                basis=m.basis_or_default(),
            )
            for m in members
        )
        case = Case.objects.create(
            reference=f"tmp-{household.pk}",
            household=household,
            municipality=municipality,
            unit=unit,
            restricted=any(m.person.protected_identity for m in members),
        )
        case.reference = f"EB-{timezone.localdate().year}-{case.pk:06d}"
        case.save(update_fields=["reference"])
        record(
            "case.opened_new",
            actor=actor,
            case_id=case.pk,
            subject=f"case:{case.pk}",
            data={"members": len(members), "restricted": case.restricted},
        )
    return case


def validate_declared(declared: dict[str, Any]) -> None:
    """What an application must hold; raises ``ValidationError`` naming the field in Swedish."""
    errors: dict[str, str] = {}
    members = declared.get("members")
    if not isinstance(members, list) or not members:
        raise ValidationError({"members": "Ange hushållets medlemmar."})
    known = set()
    for i, member in enumerate(members):
        try:
            known.add(pnr.normalise(member.get("personnummer", "")))
        except ValidationError:
            errors[f"members[{i}].personnummer"] = "Ogiltigt personnummer eller samordningsnummer."
        if member.get("role") not in Role.values:
            errors[f"members[{i}].role"] = "Okänd roll."
    if [m.get("role") for m in members].count(Role.APPLICANT) != 1:
        errors["members"] = "Hushållet ska ha exakt en sökande."
    for key in ("costs", "incomes", "other_needs", "assets"):
        for i, item in enumerate(declared.get(key, [])):
            try:
                parse_amount(item.get("amount", item.get("value")))
            except AmountError as exc:
                errors[f"{key}[{i}].amount"] = f"Beloppet {exc}."
    for i, cost in enumerate(declared.get("costs", [])):
        if cost.get("type") not in COST_TYPES:
            errors[f"costs[{i}].type"] = "Okänd kostnadstyp."
    for i, income in enumerate(declared.get("incomes", [])):
        try:
            if pnr.normalise(income.get("personnummer", "")) not in known:
                errors[f"incomes[{i}].personnummer"] = "Personen finns inte i hushållet."
        except ValidationError:
            errors[f"incomes[{i}].personnummer"] = "Ogiltigt personnummer."
    if errors:
        raise ValidationError(errors)


def submit_application(
    case: Case,
    month: str,
    declared: dict[str, Any],
    *,
    actor: str,
    kind: str | None = None,
    submission_key: str | None = None,
) -> Application:
    """Create and submit the month's application; the robot is queued when it commits.

    Idempotent: a repeated submission with the same ``submission_key`` (a double click,
    a retry after a timeout) returns the application already made.
    """
    Month.parse(month)
    validate_declared(declared)
    if submission_key:
        existing = Application.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    if kind is None:
        earlier = Application.objects.filter(
            case=case, month__lt=month, state__in=[State.DECIDED, State.PAID]
        )
        # After a closing (avslut) the next application is a nyansökan: a return, examined
        # afresh (bistand/outcomes, docs/outcomes.md).
        from bistand.outcomes.services import is_closed

        repeat = earlier.exists() and not is_closed(case)
        kind = ApplicationKind.REPEAT if repeat else ApplicationKind.FIRST
    try:
        with transaction.atomic():
            application = Application.objects.create(
                case=case, month=month, kind=kind, declared=declared, submission_key=submission_key
            )
            submit(application, actor=actor)
    except IntegrityError:
        if submission_key:
            existing = Application.objects.filter(submission_key=submission_key).first()
            if existing is not None:
                return existing
        raise ValidationError(
            f"Det finns redan en ansökan för {month} i ärendet {case.reference}."
        ) from None
    return application


def submit(application: Application, *, actor: str, reason: str = "ansökan inskickad") -> None:
    """The application is in (inkommen): the robot is queued when the transaction commits."""
    transition(
        application,
        State.SUBMITTED,
        actor=actor,
        reason=reason,
        extra={"submitted_at": timezone.now()},
    )
    # The case's period of assistance: period 1, or n+1 after a closing (a return); the
    # applicant's försörjningshinder per adult (bistand/outcomes).
    from bistand.outcomes.services import ensure_period, record_applicant_answers

    ensure_period(application, actor=actor)
    record_applicant_answers(application, actor=actor)
    from bistand.robot.tasks import enqueue

    enqueue(application.pk)
