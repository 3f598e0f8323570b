"""Aktivitetskrav: the business logic every view, API call, robot check and command calls.

* ``consecutive_months``: months in a row with försörjningsstöd before a month (pure);
* ``statuses``: per person and month, whether the requirement applies and why, read for many
  persons in a few queries (the robot's batches of 50 use it);
* recording: exemptions, the plan and its activities, attendance and absence, the applicant's
  reported absence, läkarintyg and the caseworker's assessment;
* ``refuse_for_refusal``: a reduction or refusal for refusing activities, always a caseworker's
  decision through the workspace's refusal path, with motivering and legal ground.

The dated parameter ``national.aktivitetskrav`` says from when the requirement applies, after
how many months, and which legal source each flag cites (never a literal in the code).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bistand.audit.services import Actor, record
from bistand.cases.models import CONFIRMED, Application, Case, HouseholdMember, Person
from bistand.decisions.models import Outcome
from bistand.rules.parameters import default_store
from bistand.rules.period import Month

from .models import (
    AbsenceReason,
    Activity,
    Attendance,
    AttendanceSource,
    CertificateStatus,
    Exemption,
    ExemptionGround,
    MedicalCertificate,
    Plan,
    ReasonAssessment,
    Reduction,
)

log = logging.getLogger(__name__)

PARAMETER = "national.aktivitetskrav"
HINDER_TABLE = "statistics.forsorjningshinder"
ADULT_ROLES = ("applicant", "partner")
ROBOT_ACTOR = "system:aktivitetskrav"


# --------------------------------------------------------------------------- parameters and months


def parameters(month: str | Month) -> dict[str, Any]:
    """The values of ``national.aktivitetskrav`` in force in the month, with the version's
    reference and status (for the flag's evidence)."""
    version = default_store().table(PARAMETER).version_for(Month.parse(str(month)))
    return {
        **version.data["values"],
        "reference": version.reference,
        "status": version.status,
        "valid_from": str(version.valid_from),
    }


def add_months(month: str, n: int) -> str:
    m = Month.parse(month)
    index = m.year * 12 + (m.month - 1) + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def consecutive_months(granted: Iterable[str], month: str) -> list[str]:
    """The months in a row with försörjningsstöd just before ``month`` (oldest first): counted
    back from the month before; the first month without ends the run (a gap resets it)."""
    have = set(granted)
    run: list[str] = []
    current = add_months(month, -1)
    while current in have:
        run.append(current)
        current = add_months(current, -1)
    return run[::-1]


def _month_bounds(month: str) -> tuple[date, date]:
    m = Month.parse(month)
    return m.first_day, m.last_day


def granted_months_of(person_ids: Iterable[int]) -> dict[int, set[str]]:
    """Per person: the months with försörjningsstöd granted (bifall or delvis bifall, more than
    0 kr) to a household where the person was sökande or medsökande in that month. One query."""
    ids = list(dict.fromkeys(person_ids))
    found: dict[int, set[str]] = {pk: set() for pk in ids}
    if not ids:
        return found
    memberships = HouseholdMember.objects.filter(person_id__in=ids, role__in=ADULT_ROLES)
    rows = (
        Application.objects.filter(
            case__household__members__in=memberships,
            decision__outcome__in=(Outcome.GRANT, Outcome.PARTIAL),
            decision__amount_ore__gt=0,
        )
        .values_list(
            "case__household__members__person_id",
            "month",
            "case__household__members__valid_from",
            "case__household__members__valid_to",
        )
        .distinct()
    )
    for person_id, month, valid_from, valid_to in rows:
        first, last = _month_bounds(month)
        if valid_from <= last and (valid_to is None or valid_to >= first):
            found[person_id].add(month)
    return found


# --------------------------------------------------------------------------- status per person


@dataclass
class Status:
    """Whether the aktivitetskrav applies to one person for one month, and the facts behind it."""

    person_id: int
    month: str
    months_in_row: list[str]
    threshold: int
    in_force: bool
    exemptions: list[Exemption] = field(default_factory=list)
    programme_notices: list[Any] = field(default_factory=list)
    plan: Plan | None = None

    @property
    def count(self) -> int:
        return len(self.months_in_row)

    @property
    def reaches_threshold(self) -> bool:
        return self.count >= self.threshold

    @property
    def has_activities(self) -> bool:
        """A plan with at least one activity running some day of the month."""
        if self.plan is None:
            return False
        first, last = _month_bounds(self.month)
        return any(
            a.start <= last and (a.end is None or a.end >= first)
            for a in self.plan.activities.all()
        )

    @property
    def exempt(self) -> bool:
        return bool(self.exemptions or self.programme_notices)

    @property
    def covered(self) -> bool:
        """The requirement applies: in force for the month, enough months in a row, no
        exemption and no full-time programme at Arbetsförmedlingen."""
        return self.in_force and self.reaches_threshold and not self.exempt

    @property
    def explanation(self) -> str:
        if not self.in_force:
            return "Aktivitetskravet gäller inte för månaden (före första tillämpningsmånaden)."
        if not self.reaches_threshold:
            return (
                f"Försörjningsstöd {self.count} månader i följd före {self.month}; kravet "
                f"gäller efter {self.threshold}."
            )
        if self.exemptions:
            grounds = ", ".join(e.get_ground_display() for e in self.exemptions)
            return f"Undantagen: {grounds}."
        if self.programme_notices:
            return "Undantagen: program på heltid hos Arbetsförmedlingen (enligt underrättelse)."
        return (
            f"Aktivitetskravet gäller: försörjningsstöd {self.count} månader i följd "
            f"({', '.join(self.months_in_row)})."
        )


def _overlapping(qs, month: str, start: str, end: str):
    first, last = _month_bounds(month)
    return qs.filter(**{f"{start}__lte": last}).filter(
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first})
    )


def af_notices(person_ids: list[int], month: str) -> dict[int, list[Any]]:
    """Arbetsförmedlingen's notices for the persons whose period touches the month
    (bistand.af_exchange); an empty dict per person when the exchange has none."""
    from bistand.af_exchange.services import notices_for

    return notices_for(person_ids, month)


def statuses(
    pairs: Iterable[tuple[int, str]],
    notices: dict[str, dict[int, list]] | None = None,
    *,
    cases: dict[tuple[int, str], int] | None = None,
) -> dict[tuple[int, str], Status]:
    """``Status`` per (person id, month), read in a few queries whatever the number of pairs
    (``notices``: Arbetsförmedlingen's notices per month, when the caller has read them).

    ``cases`` names the case each pair is shown or checked in: its plan and exemptions are then
    only those recorded in that case — a person's plan in another case (another unit, perhaps a
    protected address) is not shown here (security review 2026-12-06). Without it (the IVO
    figures' counts) any case's count."""
    pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return {}
    ids = list(dict.fromkeys(p for p, _ in pairs))
    months = sorted({m for _, m in pairs})
    granted = granted_months_of(ids)
    first, _ = _month_bounds(months[0])
    _, last = _month_bounds(months[-1])
    exemptions = list(
        Exemption.objects.filter(person_id__in=ids, valid_from__lte=last).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=first)
        )
    )
    plans = {
        (p.person_id, p.case_id): p
        for p in Plan.objects.filter(person_id__in=ids).prefetch_related("activities")
    }
    # Without ``cases`` (the IVO counts): a person's plan in any case, the lowest case id first —
    # an index built once, not a scan of every plan for every pair.
    any_case: dict[int, Plan] = {}
    for (person_id, _), plan in sorted(plans.items()):
        any_case.setdefault(person_id, plan)
    notices = {m: (notices or {}).get(m) or af_notices(ids, m) for m in months}
    found = {}
    for person_id, month in pairs:
        values = parameters(month)
        m_first, m_last = _month_bounds(month)
        case_id = (cases or {}).get((person_id, month))
        found[(person_id, month)] = Status(
            person_id=person_id,
            month=month,
            months_in_row=consecutive_months(granted.get(person_id, ()), month),
            threshold=int(values["consecutive_months"]),
            in_force=bool(values["applies"]),
            exemptions=[
                e
                for e in exemptions
                if e.person_id == person_id
                and (case_id is None or e.case_id == case_id)
                and e.valid_from <= m_last
                and (e.valid_to is None or e.valid_to >= m_first)
            ],
            programme_notices=[
                n
                for n in notices[month].get(person_id, [])
                if n.kind == "programme_participation" and n.full_time
            ],
            plan=plans.get((person_id, case_id))
            if case_id is not None
            else any_case.get(person_id),
        )
    return found


def status(person: Person, month: str) -> Status:
    return statuses([(person.pk, month)])[(person.pk, month)]


# --------------------------------------------------------------------------- the robot's data


@dataclass
class PersonFacts:
    """What the robot's checks need to know about one adult for one month (no model objects:
    the checks read plain data)."""

    covered: bool
    months_in_row: list[str]
    threshold: int
    explanation: str
    has_plan: bool
    unaccepted_absences: list[dict[str, str]]
    too_little_occupation: list[dict[str, str]]
    illness_stated: bool
    certificate: str  # "valid" | "missing" | "expired" | "" (not needed)
    certificate_until: str = ""
    #: The application has an attachment of kind läkarintyg not yet registered as one.
    certificate_attached: bool = False


def robot_facts(applications: list[Application]) -> dict[int, dict[str, Any]]:
    """The batch's facts: application pk → {"params": …, "persons": {personnummer: PersonFacts}}.

    A fixed number of queries for the whole batch (persons, decisions, exemptions, plans,
    attendance, Arbetsförmedlingen's notices, läkarintyg). Also queues, once per person and
    month, the notice to Arbetsförmedlingen when the requirement starts to apply."""
    values_of = {a.pk: parameters(a.month) for a in applications}
    if not any(v["applies"] or v["medical_certificate_required"] for v in values_of.values()):
        # months before 1 July 2026: nothing to check, and not one query
        return {pk: {"params": values, "persons": {}} for pk, values in values_of.items()}
    wanted: dict[int, list[str]] = {}
    for application in applications:
        members = (application.declared or {}).get("members", [])
        wanted[application.pk] = [
            m["personnummer"] for m in members if m.get("role") in ADULT_ROLES
        ]
    persons = {
        p.personnummer: p
        for p in Person.objects.filter(
            personnummer__in={n for numbers in wanted.values() for n in numbers}
        )
    }
    pairs = [(persons[n].pk, a.month) for a in applications for n in wanted[a.pk] if n in persons]
    # Each pair's plan and exemptions from its own application's case (one case per person
    # and month in a batch: a person applies in one household a month).
    pair_cases = {
        (persons[n].pk, a.month): a.case_id
        for a in applications
        for n in wanted[a.pk]
        if n in persons
    }
    ids = list({p for p, _ in pairs})
    months = {a.month for a in applications}
    window = months | {add_months(m, -1) for m in months}
    notices: dict[str, dict[int, list]] = {m: af_notices(ids, m) for m in window}
    found_status = statuses(pairs, notices, cases=pair_cases)
    absences: dict[tuple[int, str], list[Attendance]] = defaultdict(list)
    for row in Attendance.objects.filter(
        person_id__in=ids, month__in=window, present=False
    ).exclude(assessment=ReasonAssessment.ACCEPTED):
        absences[(row.person_id, row.month)].append(row)
    certificates: dict[int, list[MedicalCertificate]] = defaultdict(list)
    registered: set[int] = set()
    for certificate in MedicalCertificate.objects.filter(person_id__in=ids):
        if certificate.attachment_id:
            registered.add(certificate.attachment_id)
        if certificate.status != CertificateStatus.REJECTED:
            certificates[certificate.person_id].append(certificate)
    attached = _medical_attachments(applications, registered)
    facts: dict[int, dict[str, Any]] = {}
    starting: list[tuple[Person, Status]] = []
    for application in applications:
        values = values_of[application.pk]
        sick = _sick_codes(application.month)
        stated = {
            s.get("personnummer"): s.get("hinder", "")
            for s in (application.declared.get("planning") or {}).get("situation", [])
        }
        per_person = {}
        for number in wanted[application.pk]:
            person = persons.get(number)
            if person is None:
                continue
            st = found_status[(person.pk, application.month)]
            earlier = add_months(application.month, -1)
            rows = absences[(person.pk, earlier)] + absences[(person.pk, application.month)]
            too_little = list(
                {
                    n.pk: n
                    for m in (earlier, application.month)
                    for n in notices[m].get(person.pk, [])
                    if n.kind == "too_little_occupation"
                }.values()
            )
            illness = stated.get(number, "") in sick
            certificate, until = "", ""
            if illness and values["medical_certificate_required"]:
                certificate, until = _certificate_state(
                    certificates[person.pk], Month.parse(application.month).first_day
                )
            per_person[number] = PersonFacts(
                covered=st.covered,
                months_in_row=st.months_in_row,
                threshold=st.threshold,
                explanation=st.explanation,
                has_plan=st.has_activities,
                unaccepted_absences=[
                    {"day": str(r.day), "assessment": r.get_assessment_display()}
                    for r in sorted(rows, key=lambda r: r.day)
                ],
                too_little_occupation=[
                    {
                        "period_start": str(n.period_start),
                        "period_end": str(n.period_end or ""),
                        "received_at": f"{n.received_at:%Y-%m-%d}",
                    }
                    for n in too_little
                ],
                illness_stated=illness,
                certificate=certificate,
                certificate_until=until,
                certificate_attached=application.pk in attached,
            )
            if st.covered:
                starting.append((person, st))
        facts[application.pk] = {"params": values, "persons": per_person}
    _notify_start(starting)
    return facts


def _medical_attachments(applications: list[Application], registered: set[int]) -> set[int]:
    """The applications (pks) with an attachment of kind läkarintyg (e-service) not yet
    registered as a certificate: one query."""
    from bistand.eservice.models import Attachment, AttachmentKind

    saved = [a.pk for a in applications if a.pk]
    if not saved:
        return set()
    return set(
        Attachment.objects.filter(application_id__in=saved, kind=AttachmentKind.MEDICAL)
        .exclude(pk__in=registered)
        .values_list("application_id", flat=True)
    )


def _sick_codes(month: str) -> set[str]:
    from bistand.outcomes.services import codes

    try:
        table = codes(HINDER_TABLE, month)
    except Exception:  # no code table for the month: nothing is read as illness
        return set()
    return {code for code, row in table.items() if row.get("category") == "sick"}


def certificate_asked(application: Application, person: Person) -> bool:
    """Whether the application names illness as what keeps this person from work (the
    e-service's planning step: a försörjningshinder of category "sick") in a month when a
    läkarintyg is required."""
    if not parameters(application.month)["medical_certificate_required"]:
        return False
    sick = _sick_codes(application.month)
    return any(
        s.get("personnummer") == person.personnummer and s.get("hinder") in sick
        for s in ((application.declared or {}).get("planning") or {}).get("situation", [])
    )


def _certificate_state(certificates: list[MedicalCertificate], day: date) -> tuple[str, str]:
    if not certificates:
        return "missing", ""
    latest = max(certificates, key=lambda c: (c.effective_until, c.pk))
    if latest.effective_until < day:
        return "expired", str(latest.effective_until)
    return "valid", str(latest.effective_until)


def _notify_start(covered: list[tuple[Person, Status]]) -> None:
    """The outgoing notice to Arbetsförmedlingen (bistand.af_exchange) the first month the
    requirement applies to a person: once per person and month (the exchange keeps it unique),
    and not again while their run of months goes on. One query for the batch, then a write
    only for a person whose requirement starts now."""
    if not covered:
        return
    from bistand.af_exchange.models import OutgoingAfNotice
    from bistand.af_exchange.services import notify_may_be_covered

    months = {m for _, st in covered for m in [*st.months_in_row, st.month]}
    sent = set(
        OutgoingAfNotice.objects.filter(
            person_id__in={p.pk for p, _ in covered}, month__in=months
        ).values_list("person_id", "month")
    )
    for person, st in covered:
        if any((person.pk, m) in sent for m in [*st.months_in_row, st.month]):
            continue
        notify_may_be_covered(
            person,
            month=st.month,
            actor=ROBOT_ACTOR,
            reason=f"försörjningsstöd {st.count} månader i följd",
        )
        sent.add((person.pk, st.month))


# --------------------------------------------------------------------------- recording


class AktivitetskravError(ValidationError):
    """A Swedish message for the form or the API."""


def _text(value: str, what: str, *, max_length: int = 500) -> str:
    value = (value or "").strip()
    if not value:
        raise AktivitetskravError(f"Skriv {what}.")
    if len(value) > max_length:
        raise AktivitetskravError(f"{what.capitalize()} får vara högst {max_length} tecken.")
    return value


def _tell(person: Person, case_id: int) -> None:
    """Tell the person there is something on Mina sidor (bistand/notifications: only "Du har ett
    nytt meddelande i Bistånd" and a link, never what it is about). Sending is a background task;
    nothing here can block the recording."""
    from bistand.notifications.services import notify

    notify(person, "activity_attention", case_id=case_id)


def adults_of(case: Case, month: str) -> list[Person]:
    """The case's confirmed sökande and medsökande whose membership touches the month."""
    first, last = _month_bounds(month)
    return [
        m.person
        for m in case.household.members.filter(
            role__in=ADULT_ROLES, basis__in=CONFIRMED, valid_from__lte=last
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .select_related("person")
        .order_by("role", "pk")
    ]


def is_adult_of(case: Case, person_id: int) -> bool:
    """A confirmed sökande or medsökande of the case (present or past: staff record plans and
    attendance for months gone by; the applicant's own pages check today's membership too)."""
    return case.household.members.filter(
        person_id=person_id, role__in=ADULT_ROLES, basis__in=CONFIRMED
    ).exists()


def _require_member(case: Case, person: Person) -> None:
    if not is_adult_of(case, person.pk):
        raise AktivitetskravError("Personen är inte sökande eller medsökande i ärendet.")


def add_exemption(
    case: Case,
    person: Person,
    *,
    ground: str,
    valid_from: date,
    valid_to: date | None,
    text: str,
    actor: str,
) -> Exemption:
    _require_member(case, person)
    if ground not in ExemptionGround.values:
        raise AktivitetskravError("Välj en grund för undantaget.")
    if valid_to is not None and valid_to < valid_from:
        raise AktivitetskravError("Till-datumet får inte vara före från-datumet.")
    text = (text or "").strip()
    if ground == ExemptionGround.OTHER and not text:
        raise AktivitetskravError("Beskriv skälet när grunden är Annat skäl.")
    with transaction.atomic():
        exemption = Exemption.objects.create(
            person=person,
            case=case,
            ground=ground,
            text=text[:500],
            valid_from=valid_from,
            valid_to=valid_to,
            recorded_by=actor,
        )
        # The ground is a code; the free text (which may hold health details) stays out.
        record(
            "aktivitetskrav.exemption_recorded",
            actor=actor,
            case_id=case.pk,
            subject=f"exemption:{exemption.pk}",
            # Not the ground: "medical" or "sickness_benefit" is health data, and the
            # hash-chained log cannot be cleaned later (the exemption row has it).
            data={"person": person.pk, "from": str(valid_from)},
        )
    return exemption


def save_plan(case: Case, person: Person, *, goal: str, capacity: str, actor: str) -> Plan:
    """Create or update the person's plan in the case."""
    _require_member(case, person)
    goal = _text(goal, "ett mål för planen", max_length=2000)
    capacity = (capacity or "").strip()[:500]
    with transaction.atomic():
        plan, created = Plan.objects.select_for_update().get_or_create(
            person=person,
            case=case,
            defaults={"goal": goal, "capacity": capacity, "created_by": actor},
        )
        if not created:
            plan.goal, plan.capacity, plan.updated_at = goal, capacity, timezone.now()
            plan.save()
        record(
            "aktivitetskrav.plan_saved",
            actor=actor,
            case_id=case.pk,
            subject=f"plan:{plan.pk}",
            data={"person": person.pk, "created": created},
        )
    return plan


def add_activity(
    plan: Plan,
    *,
    kind: str,
    provider: str,
    hours_per_week: int,
    start: date,
    end: date | None,
    actor: str,
) -> Activity:
    provider = _text(provider, "vem som anordnar aktiviteten", max_length=200)
    if end is not None and end < start:
        raise AktivitetskravError("Slutdatumet får inte vara före startdatumet.")
    if not 1 <= int(hours_per_week) <= 40:
        raise AktivitetskravError("Timmar per vecka ska vara mellan 1 och 40.")
    with transaction.atomic():
        activity = Activity.objects.create(
            plan=plan,
            kind=kind,
            provider=provider,
            hours_per_week=int(hours_per_week),
            start=start,
            end=end,
            created_by=actor,
        )
        plan.updated_at = timezone.now()
        plan.save(update_fields=["updated_at"])
        record(
            "aktivitetskrav.activity_added",
            actor=actor,
            case_id=plan.case_id,
            subject=f"activity:{activity.pk}",
            data={"plan": plan.pk, "kind": kind, "hours_per_week": int(hours_per_week)},
        )
        _tell(plan.person, plan.case_id)
    return activity


def record_attendance(
    case: Case,
    person: Person,
    *,
    day: date,
    present: bool,
    source: str,
    actor: str,
    activity: Activity | None = None,
    hours: int | None = None,
    reason_kind: str = "",
    reason: str = "",
    assessment: str = ReasonAssessment.PENDING,
) -> Attendance:
    """Attendance or absence, recorded by the provider or the caseworker (or reported by the
    applicant: ``report_absence``). An absence needs a reason (Okänt skäl is one)."""
    _require_member(case, person)
    if activity is not None and (
        activity.plan.case_id != case.pk or activity.plan.person_id != person.pk
    ):
        raise AktivitetskravError("Aktiviteten hör inte till personens plan i ärendet.")
    reason = (reason or "").strip()
    if not present and reason_kind not in AbsenceReason.values:
        raise AktivitetskravError("Välj skälet till frånvaron (eller Okänt skäl).")
    if not present and reason_kind == AbsenceReason.OTHER and not reason:
        raise AktivitetskravError("Beskriv skälet när du väljer Annat skäl.")
    if present:
        reason_kind, reason, assessment = "", "", ReasonAssessment.PENDING
    if assessment not in ReasonAssessment.values:
        raise AktivitetskravError("Välj om skälet godtas.")
    with transaction.atomic():
        row = Attendance.objects.create(
            person=person,
            case=case,
            activity=activity,
            day=day,
            month=f"{day:%Y-%m}",
            present=present,
            hours=hours,
            reason_kind=reason_kind,
            reason=reason[:500],
            assessment=assessment,
            source=source,
            recorded_by=actor,
            assessed_by=actor if assessment != ReasonAssessment.PENDING else "",
            assessed_at=timezone.now() if assessment != ReasonAssessment.PENDING else None,
        )
        # The reason is free text and may concern health: not in the audit log.
        record(
            "aktivitetskrav.attendance_recorded",
            actor=actor,
            case_id=case.pk,
            subject=f"attendance:{row.pk}",
            data={
                "person": person.pk,
                "day": str(day),
                "present": present,
                "source": source,
                # Not the kind of reason either ("illness" is health data; the row has it).
                "assessment": assessment,
            },
        )
    return row


def report_absence(
    application: Application, person: Person, *, day: date, reason_kind: str, reason: str
) -> Attendance:
    """The applicant's own report of an absence, from Mina sidor (assessed later by staff)."""
    today = timezone.localdate()
    if abs((day - today).days) > 62:
        raise AktivitetskravError("Datumet ska vara inom två månader från i dag.")
    return record_attendance(
        application.case,
        person,
        day=day,
        present=False,
        reason_kind=reason_kind,
        reason=reason,
        source=AttendanceSource.APPLICANT,
        actor=Actor.applicant(person),
    )


def assess_absence(row: Attendance, *, assessment: str, actor: str) -> Attendance:
    if row.present:
        raise AktivitetskravError("Bara frånvaro bedöms.")
    if assessment not in (ReasonAssessment.ACCEPTED, ReasonAssessment.NOT_ACCEPTED):
        raise AktivitetskravError("Välj om skälet godtas eller inte.")
    with transaction.atomic():
        row.assessment, row.assessed_by, row.assessed_at = assessment, actor, timezone.now()
        row.save(update_fields=["assessment", "assessed_by", "assessed_at"])
        record(
            "aktivitetskrav.absence_assessed",
            actor=actor,
            case_id=row.case_id,
            subject=f"attendance:{row.pk}",
            data={"assessment": assessment},
        )
        if assessment == ReasonAssessment.NOT_ACCEPTED:
            _tell(row.person, row.case_id)
    return row


def submit_certificate(
    application: Application,
    person: Person,
    *,
    upload,
    valid_from: date,
    valid_until: date,
) -> MedicalCertificate:
    """The applicant's läkarintyg: the file (stored like the e-service's attachments, kind
    läkarintyg) and its validity period. Health data: the audit names only ids."""
    from bistand.eservice.models import AttachmentKind
    from bistand.eservice.services import store_attachment

    if valid_until < valid_from:
        raise AktivitetskravError("Till-datumet får inte vara före från-datumet.")
    with transaction.atomic():
        attachment = store_attachment(
            person, upload, AttachmentKind.MEDICAL, application=application
        )
        certificate = MedicalCertificate.objects.create(
            person=person,
            case=application.case,
            application=application,
            attachment=attachment,
            valid_from=valid_from,
            valid_until=valid_until,
            submitted_by=Actor.applicant(person),
        )
        record(
            "aktivitetskrav.certificate_submitted",
            actor=Actor.applicant(person),
            case_id=application.case_id,
            subject=f"certificate:{certificate.pk}",
            data={"application": application.pk},
        )
    return certificate


def register_certificate(
    application: Application,
    person: Person,
    *,
    attachment_id: int | None,
    valid_from: date,
    valid_until: date,
    actor: str,
) -> MedicalCertificate:
    """A läkarintyg the caseworker registers: from an attachment of the case (one the applicant
    added while applying, kind läkarintyg) or one that came on paper (no attachment)."""
    from bistand.eservice.models import Attachment

    _require_member(application.case, person)
    if valid_until < valid_from:
        raise AktivitetskravError("Till-datumet får inte vara före från-datumet.")
    attachment = None
    if attachment_id is not None:
        attachment = Attachment.objects.filter(
            pk=attachment_id, application__case=application.case
        ).first()
        if attachment is None:
            raise AktivitetskravError("Bilagan finns inte i ärendet.")
    with transaction.atomic():
        certificate = MedicalCertificate.objects.create(
            person=person,
            case=application.case,
            application=attachment.application if attachment else application,
            attachment=attachment,
            valid_from=valid_from,
            valid_until=valid_until,
            submitted_by=actor,
        )
        record(
            "aktivitetskrav.certificate_registered",
            actor=actor,
            case_id=application.case_id,
            subject=f"certificate:{certificate.pk}",
            data={"application": application.pk, "attachment": attachment_id},
        )
    return certificate


def assess_certificate(
    certificate: MedicalCertificate,
    *,
    status: str,
    accepted_until: date | None,
    note: str,
    actor: str,
) -> MedicalCertificate:
    if status not in (CertificateStatus.ACCEPTED, CertificateStatus.REJECTED):
        raise AktivitetskravError("Välj om läkarintyget godtas eller inte.")
    if status == CertificateStatus.ACCEPTED and accepted_until is None:
        raise AktivitetskravError("Ange till vilket datum läkarintyget godtas.")
    with transaction.atomic():
        certificate.status = status
        certificate.accepted_until = (
            accepted_until if status == CertificateStatus.ACCEPTED else None
        )
        certificate.note = (note or "").strip()[:2000]
        certificate.assessed_by, certificate.assessed_at = actor, timezone.now()
        certificate.save()
        record(
            "aktivitetskrav.certificate_assessed",
            actor=actor,
            case_id=certificate.case_id,
            subject=f"certificate:{certificate.pk}",
            data={"status": status},
        )
        if status == CertificateStatus.REJECTED:
            _tell(certificate.person, certificate.case_id)
    return certificate


# --------------------------------------------------------------------------- reduction or refusal


def refuse_for_refusal(proposal, *, user, motivering_text: str, amount=None):
    """Avslag or nedsättning because the person refused activities without an acceptable
    reason: ALWAYS a caseworker's decision, through the workspace's refusal path
    (``decisions.review.refuse``, which requires a deciding role), with the caseworker's
    motivering and the aktivitetskrav's legal ground in the decision item (and so the letter).
    The robot never calls this."""
    from bistand.decisions import review
    from bistand.decisions.services import LEGAL_BASIS_INCOME_SUPPORT

    why = _text(motivering_text, "en motivering", max_length=4000)
    values = parameters(proposal.application.month)
    ground = values["aktivitetskrav_legal_source"]
    if not values["applies"] or not ground:
        raise AktivitetskravError(
            "Aktivitetskravet gäller inte för månaden: använd den vanliga avslagsvägen."
        )
    ground = " ".join(str(ground).split())
    with transaction.atomic():
        result = review.refuse(
            proposal,
            user=user,
            motivering_text=f"{why} Lagrum: {ground}.",
            amount=amount,
        )
        decision = getattr(result, "decision", None)
        if decision is not None:
            decision.items.update(legal_basis=f"{LEGAL_BASIS_INCOME_SUPPORT}; {ground}"[:300])
        # Under the four-eyes rule this was the first approval: the second caseworker's decision
        # (the workspace's) carries the same motivering with its "Lagrum", and the figures find
        # it through the application.
        Reduction.objects.update_or_create(
            application=proposal.application,
            defaults={
                "decision": decision,
                "case_id": proposal.application.case_id,
                "month": proposal.application.month,
                "outcome": decision.outcome if decision is not None else proposal.outcome,
                "decided_by": Actor.user(user),
            },
        )
        if decision is not None:
            record(
                "aktivitetskrav.reduction_decided",
                actor=Actor.user(user),
                case_id=proposal.application.case_id,
                subject=f"decision:{decision.pk}",
                data={"outcome": decision.outcome, "amount_ore": decision.amount_ore},
            )
    return result
