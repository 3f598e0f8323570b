"""Repairing what the membership hole may already have done (issue 9).

Before membership by consent, signing a first application made every adult named in it a
member of the new household, although only the writer had signed. ``check`` finds:

- memberships made without the person's own signature: an adult member of a household whose
  case the e-service opened, with no signature of theirs in the case on or before the day the
  membership began (or marked ``unverified`` by the migration that classified old rows);
- the applications filed through such a membership: those the member wrote or signed in that
  case (their own application, filed in someone else's case, where that person could read it);
- persons with two open confirmed memberships, which staff resolve by ending one.

Each finding is recorded once in the audit log (``membership.unconsented``,
``membership.misfiled_application``, ``membership.conflict``) for staff to review; the command
``bistand membership check`` prints them. Nothing is changed: what happened is for a person to
judge (the case may need a new decision, the person may need to be told).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor, record
from bistand.cases.membership import ADULT_ROLES, cases_of
from bistand.cases.models import Application, HouseholdMember, MembershipBasis, Person

from .models import Signature

CHECKER = Actor.system("membership-check")


@dataclass
class Unconsented:
    member: HouseholdMember
    applications: list[Application] = field(default_factory=list)


@dataclass
class Findings:
    unconsented: list[Unconsented]
    conflicts: list[tuple[Person, list]]

    @property
    def count(self) -> int:
        return len(self.unconsented) + len(self.conflicts)


def _opened_by_eservice(household_ids: set[int]) -> set[int]:
    return set(
        Signature.objects.filter(application__case__household_id__in=household_ids)
        .values_list("application__case__household_id", flat=True)
        .distinct()
    )


def unconsented_memberships() -> list[Unconsented]:
    adults = HouseholdMember.objects.filter(role__in=ADULT_ROLES).select_related(
        "person", "household__case"
    )
    eservice = _opened_by_eservice(set(adults.values_list("household_id", flat=True)))
    found = []
    for member in adults.order_by("household_id", "pk"):
        if member.basis == MembershipBasis.REGISTERED and member.household_id not in eservice:
            continue
        case = getattr(member.household, "case", None)
        if case is None:
            continue
        consented = Signature.objects.filter(
            person=member.person,
            application__case=case,
            signed_at__date__lte=member.valid_from,
        ).exists()
        if consented and member.basis != MembershipBasis.UNVERIFIED:
            continue
        filed = (
            Application.objects.filter(case=case)
            .filter(Q(signatures__person=member.person) | Q(draft__person=member.person))
            .distinct()
            .order_by("month", "pk")
        )
        found.append(Unconsented(member, list(filed)))
    return found


def conflicts() -> list[tuple[Person, list]]:
    doubles = []
    people = (
        HouseholdMember.objects.filter(
            role__in=ADULT_ROLES, basis__in=(MembershipBasis.SIGNED, MembershipBasis.REGISTERED)
        )
        .filter(valid_to__isnull=True)
        .values_list("person_id", flat=True)
    )
    seen: set[int] = set()
    for person_id in people:
        if person_id in seen:
            continue
        seen.add(person_id)
        person = Person.objects.get(pk=person_id)
        cases = cases_of(person)
        if len(cases) > 1:
            doubles.append((person, cases))
    return doubles


def _record_once(action: str, *, case_id: int, subject: str, data: dict) -> bool:
    if AuditEvent.objects.filter(action=action, case_id=case_id, subject=subject).exists():
        return False
    record(action, actor=CHECKER, case_id=case_id, subject=subject, data=data)
    return True


def check() -> Findings:
    """Find, and record once each in the audit log, what staff must review."""
    findings = Findings(unconsented_memberships(), conflicts())
    for item in findings.unconsented:
        member = item.member
        case = member.household.case
        _record_once(
            "membership.unconsented",
            case_id=case.pk,
            subject=f"member:{member.pk}",
            data={
                "person": member.person_id,
                "role": member.role,
                "from": member.valid_from.isoformat(),
                "applications": [a.pk for a in item.applications],
            },
        )
        for application in item.applications:
            _record_once(
                "membership.misfiled_application",
                case_id=case.pk,
                subject=f"application:{application.pk}",
                data={"person": member.person_id, "member": member.pk},
            )
    for person, cases in findings.conflicts:
        for case in cases:
            _record_once(
                "membership.conflict",
                case_id=case.pk,
                subject=f"person:{person.pk}",
                data={"cases": [c.pk for c in cases]},
            )
    return findings
