"""Who belongs to a household's case: membership by consent.

A person is a member of someone else's household — and so reaches its case on Mina sidor, has
their applications filed there and their registers fetched for it — only when the membership
is *confirmed*: they signed an application of the household with their own e-legitimation
(``MembershipBasis.SIGNED``), or the municipality registered them (``REGISTERED``: a paper
application, an import, staff). A personnummer typed by somebody else confirms nothing: the
named partner is a declared, unconfirmed member of that one application until they sign it.

Memberships are dated. A membership *covers* a month when it began on or before the month's
last day and had not ended before its first day; access to an application is by a membership
that covers the application's month, so an ex-partner does not read the household's later
applications (docs/eservice.md, "Membership by consent").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from bistand.audit.services import record
from bistand.rules.period import Month

from .models import (
    CONFIRMED,
    Application,
    Case,
    HouseholdMember,
    MembershipBasis,
    Person,
    Role,
)

ADULT_ROLES = (Role.APPLICANT, Role.PARTNER)


def confirmed(person: Person):
    """The person's confirmed adult memberships, past and present."""
    return HouseholdMember.objects.filter(person=person, role__in=ADULT_ROLES, basis__in=CONFIRMED)


def open_on(queryset, day: date):
    return queryset.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def cases_of(person: Person, on: date | None = None) -> list[Case]:
    """The cases where the person is a confirmed sökande or medsökande today, oldest first.
    Normally one; two when a person has joined a new household and the old membership has
    not been ended yet (the e-service asks which one; staff resolve it)."""
    on = on or timezone.localdate()
    members = (
        open_on(confirmed(person), on)
        .select_related("household__case")
        .order_by("valid_from", "pk")
    )
    found: dict[int, Case] = {}
    for member in members:
        case = getattr(member.household, "case", None)
        if case is not None:
            found.setdefault(case.pk, case)
    return list(found.values())


def months_covered(member: HouseholdMember) -> Q:
    """The applications a membership covers: its household's, in the months it was valid."""
    condition = Q(case__household_id=member.household_id, month__gte=f"{member.valid_from:%Y-%m}")
    if member.valid_to is not None:
        condition &= Q(month__lte=f"{member.valid_to:%Y-%m}")
    return condition


def covered_applications(person: Person) -> Q | None:
    """A filter on ``Application``: those a confirmed membership of the person covers."""
    condition = None
    for member in confirmed(person):
        covers = months_covered(member)
        condition = covers if condition is None else condition | covers
    return condition


def covers(member: HouseholdMember, month: str) -> bool:
    period = Month.parse(month)
    return member.valid_from <= period.last_day and (
        member.valid_to is None or member.valid_to >= period.first_day
    )


@dataclass(frozen=True)
class Adult:
    person: Person
    role: str


def confirmed_adults(application: Application) -> list[Adult]:
    """The application's sökande and medsökande: the adults it declares who are confirmed
    members of its household in its month, sökande first, with the role the application gives
    them. These are whose registers the robot asks and to whom the letter is addressed."""
    return confirmed_adults_of([application])[application.pk]


def confirmed_adults_of(applications: list[Application]) -> dict[int, list[Adult]]:
    """``confirmed_adults`` of several applications, read in one query (the robot's batches)."""
    households = {application.case.household_id for application in applications}
    members = (
        HouseholdMember.objects.filter(
            household_id__in=households,
            role__in=ADULT_ROLES,
            basis__in=CONFIRMED,
        )
        .select_related("person")
        .order_by("valid_from", "pk")
    )
    by_household: dict[int, list[HouseholdMember]] = {}
    for member in members:
        by_household.setdefault(member.household_id, []).append(member)
    found = {}
    for application in applications:
        declared = {
            m.get("personnummer"): m.get("role")
            for m in application.declared.get("members", [])
            if m.get("role") in ADULT_ROLES
        }
        adults: dict[int, Adult] = {}
        for member in by_household.get(application.case.household_id, []):
            if not covers(member, application.month):
                continue
            number = member.person.personnummer
            if declared and number not in declared:
                continue
            role = declared.get(number) or member.role
            adults.setdefault(member.person_id, Adult(member.person, role))
        found[application.pk] = sorted(adults.values(), key=lambda a: a.role != Role.APPLICANT)
    return found


def join(case: Case, person: Person, role: str, *, actor: str, since: date | None = None):
    """The person joins the case's household with their own signature (``SIGNED``). If they are
    already an open member, the membership is confirmed instead of doubled."""
    since = since or timezone.localdate()
    current = open_on(
        HouseholdMember.objects.filter(household_id=case.household_id, person=person), since
    ).first()
    if current is not None:
        if current.basis != MembershipBasis.SIGNED and current.role in ADULT_ROLES:
            current.basis = MembershipBasis.SIGNED
            current.save(update_fields=["basis"])
        return current
    member = HouseholdMember.objects.create(
        household_id=case.household_id,
        person=person,
        role=role,
        valid_from=since,
        basis=MembershipBasis.SIGNED,
    )
    if person.protected_identity and not case.restricted:
        case.restricted = True
        case.save(update_fields=["restricted"])
    record(
        "case.member_joined",
        actor=actor,
        case_id=case.pk,
        subject=f"person:{person.pk}",
        data={"role": role, "basis": MembershipBasis.SIGNED, "from": since.isoformat()},
    )
    return member


def leave_undeclared(application: Application, *, actor: str) -> int:
    """Adults of the household whom the application no longer declares (a partner who moved
    out) stop being members from the application's month: they keep the months they were in
    and do not read the household's later applications."""
    declared = {m.get("personnummer") for m in application.declared.get("members", [])}
    first_day = Month.parse(application.month).first_day
    ended = 0
    members = (
        HouseholdMember.objects.filter(
            household_id=application.case.household_id, role__in=ADULT_ROLES
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first_day))
        .select_related("person")
    )
    for member in members:
        if member.person.personnummer in declared:
            continue
        member.valid_to = first_day - timedelta(days=1)
        member.save(update_fields=["valid_to"])
        ended += 1
        record(
            "case.member_left",
            actor=actor,
            case_id=application.case_id,
            subject=f"person:{member.person_id}",
            data={"until": member.valid_to.isoformat(), "application": application.pk},
        )
    return ended


def end(member: HouseholdMember, until: date, *, actor: str, reason: str) -> HouseholdMember:
    """Staff end a membership (a person who moved out, one of two households): from the day
    after ``until`` the person neither reads the household's applications nor files there."""
    if until < member.valid_from - timedelta(days=1):
        raise ValueError("Medlemskapet kan inte sluta innan det började.")
    member.valid_to = until
    member.save(update_fields=["valid_to"])
    record(
        "case.member_ended",
        actor=actor,
        case_id=member.household.case.pk,
        subject=f"member:{member.pk}",
        data={"until": until.isoformat(), "reason": reason[:200]},
    )
    return member


def confirm(member: HouseholdMember, *, actor: str, reason: str) -> HouseholdMember:
    """Staff confirm a membership the person consented to outside the e-service (a signed paper
    application, a visit with identification): it becomes ``REGISTERED``."""
    member.basis = MembershipBasis.REGISTERED
    member.save(update_fields=["basis"])
    record(
        "case.member_confirmed",
        actor=actor,
        case_id=member.household.case.pk,
        subject=f"member:{member.pk}",
        data={"reason": reason[:200]},
    )
    return member
