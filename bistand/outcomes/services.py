"""Periods of assistance, closing with an avslutsorsak per adult, and försörjningshinder and
arbetsmarknadsinsats per adult and month (docs/outcomes.md).

The functions of the issue-14 contract: ``current_period``, ``ensure_period``,
``close_period``, ``record_adult_month`` and ``codes``. Each change is audited in the same
transaction as the change itself.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bistand.audit.services import record
from bistand.cases import membership
from bistand.cases.models import Application, Case, Person, State
from bistand.rules.parameters import Version, default_store
from bistand.rules.period import Month

from .models import (
    AdultMonth,
    AdultMonthSource,
    AssistancePeriod,
    ClosedVia,
    ClosureProposal,
    ExitReason,
    ProposalStatus,
)

EXIT_REASONS = "statistics.avslutsorsaker"
HINDER = "statistics.forsorjningshinder"
ACTIVITIES = "statistics.arbetsmarknadsinsatser"
CLOSURE_PARAMETER = "national.closure_proposal"
#: The follow-up's "left for work or studies".
WORK_OR_STUDIES = ("work", "studies")
EXIT_CATEGORIES = ("work", "studies", "other_benefit", "moved", "other", "unknown")
#: An application in one of these states is still in flight (waiting for the partner's
#: signature or being processed): the case cannot be closed.
IN_PROCESS = (
    State.AWAITING_COSIGNATURE,
    State.SUBMITTED,
    State.ROBOT_PROCESSING,
    State.PROPOSAL_READY,
    State.COMPLETION_REQUESTED,
)


# --------------------------------------------------------------------------- code tables


def _month(month: str | Month | date) -> Month:
    if isinstance(month, Month):
        return month
    if isinstance(month, date):
        return Month(month.year, month.month)
    return Month.parse(month)


def code_table_version(table_id: str, month: str | Month | date) -> Version:
    """The dated version of a code table in force for the month (MissingParameterError if
    none): the version a recorded code is validated against."""
    return default_store().table(table_id).version_for(_month(month))


def codes(table_id: str, month: str | Month | date) -> dict[str, dict[str, Any]]:
    """The code table's codes for the month: code -> {label, category, socialstyrelsen, …}
    (in the file's order)."""
    version = code_table_version(table_id, month)
    table = (version.data.get("values") or {}).get("codes")
    if not isinstance(table, dict) or not table:
        raise ValidationError(f"{version.file}: versionen från {version.valid_from} saknar codes")
    return {str(code): dict(row) for code, row in table.items()}


def months_before_closure_proposal(day: date) -> int:
    """The parameter ``national.closure_proposal``: whole months without an application after
    which the robot proposes closing (a local choice)."""
    version = code_table_version(CLOSURE_PARAMETER, day)
    return int(version.data["values"]["months_without_application"])


# --------------------------------------------------------------------------- periods


def current_period(case: Case) -> AssistancePeriod | None:
    """The case's latest period: the open one, or the last closed one (None: the household has
    never submitted an application)."""
    return AssistancePeriod.objects.filter(case=case).order_by("-number").first()


def is_closed(case: Case | int) -> bool:
    """The case's latest period is closed: its next application is a nyansökan (a return,
    examined afresh), not an återansökan."""
    case_id = case if isinstance(case, int) else case.pk
    latest = (
        AssistancePeriod.objects.filter(case_id=case_id)
        .order_by("-number")
        .only("closed_at")
        .first()
    )
    return latest is not None and latest.closed_at is not None


def periods(case: Case) -> list[AssistancePeriod]:
    return list(
        AssistancePeriod.objects.filter(case=case)
        .prefetch_related("exit_reasons__person")
        .order_by("number")
    )


def ensure_period(application: Application, *, actor: str = "") -> AssistancePeriod:
    """Called when ``application`` is submitted: its case's open period, or a new one.

    The case's first application opens period 1; an application after the last period was
    closed opens period n+1 (a return, återaktualisering). Both are audited
    (``case.period_opened``). An open period is left as it is.
    """
    with transaction.atomic():
        # One period at a time per case: lock the case row while we look and create.
        Case.objects.select_for_update().filter(pk=application.case_id).first()
        latest = AssistancePeriod.objects.filter(case_id=application.case_id).order_by("-number")
        last = latest.first()
        if last is not None and last.closed_at is None:
            return last
        number = 1 if last is None else last.number + 1
        period = AssistancePeriod.objects.create(
            case_id=application.case_id,
            number=number,
            first_month=application.month,
            opened_at=timezone.now(),
        )
        record(
            "case.period_opened",
            actor=actor or "system:outcomes",
            case_id=application.case_id,
            subject=f"application:{application.pk}",
            data={
                "period": number,
                "first_month": application.month,
                "return": number > 1,
                "previous_last_month": last.last_month if last is not None else "",
            },
        )
        return period


def adults(case: Case, month: str) -> list[Person]:
    """The adults (sökande, medsökande) of the case's household in the month."""
    day = _month(month).first_day
    members = case.household.members_on(day).order_by("role", "pk")
    order = {role: i for i, role in enumerate(membership.ADULT_ROLES)}
    found = [m for m in members if m.role in membership.ADULT_ROLES]
    found.sort(key=lambda m: (order[m.role], m.pk))
    people: list[Person] = []
    for m in found:
        if m.person not in people:
            people.append(m.person)
    return people


def applications_in_process(case: Case) -> list[Application]:
    return list(case.applications.filter(state__in=IN_PROCESS).order_by("month"))


def close_period(
    case: Case,
    *,
    last_month: str,
    reasons: dict[int, str],
    actor: str,
    via: str | None = None,
) -> AssistancePeriod:
    """Close the case's open period: the last month with assistance and an avslutsorsak per
    adult (person id -> code of ``statistics.avslutsorsaker`` in force for ``last_month``).

    Refused (ValidationError, Swedish messages by field) while an application is still being
    processed, without an open period, for a month outside the period, or unless every adult
    of the household in ``last_month`` has exactly one valid code. Open closing proposals are
    accepted by the closing; ``via`` defaults to ``robot_proposal`` when one was open.
    Audited as ``case.closed``.
    """
    errors: dict[str, str] = {}
    try:
        month = Month.parse(last_month)
    except Exception:
        raise ValidationError(
            {"last_month": "Ange sista månad med bistånd som ÅÅÅÅ-MM, t.ex. 2026-03."}
        ) from None
    last_month = str(month)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        period = (
            AssistancePeriod.objects.select_for_update()
            .filter(case=case, closed_at__isnull=True)
            .first()
        )
        if period is None:
            raise ValidationError("Ärendet har ingen öppen biståndsperiod att avsluta.")
        busy = applications_in_process(case)
        if busy:
            if any(a.state == State.AWAITING_COSIGNATURE for a in busy):
                waiting = ", ".join(a.month for a in busy if a.state == State.AWAITING_COSIGNATURE)
                raise ValidationError(
                    "Ärendet kan inte avslutas medan en ansökan väntar på medsökandes "
                    f"underskrift (ansökan för {waiting}): ansökan kan fortfarande komma in. "
                    "Vänta tills den har skrivits under eller har gått ut."
                )
            months = ", ".join(a.month for a in busy)
            raise ValidationError(
                f"Ärendet kan inte avslutas medan en ansökan handläggs (ansökan för {months}). "
                "Besluta eller avvisa ansökan först."
            )
        if last_month < period.first_month:
            errors["last_month"] = (
                f"Sista månad kan inte vara före periodens första månad ({period.first_month})."
            )
        latest_applied = (
            case.applications.exclude(state__in=[State.DRAFT, State.WITHDRAWN])
            .filter(month__gte=period.first_month)
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
        )
        if latest_applied and last_month > latest_applied:
            errors["last_month"] = (
                f"Sista månad kan inte vara efter den senaste månaden hushållet sökt för "
                f"({latest_applied})."
            )
        version = code_table_version(EXIT_REASONS, month)
        table = codes(EXIT_REASONS, month)
        people = adults(case, last_month)
        given = {int(k): (v or "").strip() for k, v in reasons.items()}
        for person in people:
            code = given.get(person.pk, "")
            if not code:
                errors[f"reason_{person.pk}"] = "Välj en avslutsorsak för den här personen."
            elif code not in table:
                errors[f"reason_{person.pk}"] = (
                    f"Okänd avslutsorsak {code!r} i kodtabellen från {version.valid_from}."
                )
        strangers = set(given) - {p.pk for p in people}
        if strangers:
            errors["reasons"] = "En avslutsorsak gäller en person som inte är vuxen i hushållet."
        if not people:
            errors["reasons"] = f"Hushållet har ingen vuxen registrerad för {last_month}."
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        proposals = list(
            ClosureProposal.objects.select_for_update().filter(
                case=case, status=ProposalStatus.OPEN
            )
        )
        via = via or (ClosedVia.ROBOT_PROPOSAL if proposals else ClosedVia.CASEWORKER)
        period.last_month = last_month
        period.closed_at = now
        period.closed_by = actor
        period.closed_via = via
        period.save(update_fields=["last_month", "closed_at", "closed_by", "closed_via"])
        ExitReason.objects.bulk_create(
            ExitReason(
                period=period,
                person=person,
                code=given[person.pk],
                table_valid_from=version.valid_from,
            )
            for person in people
        )
        for proposal in proposals:
            proposal.status = ProposalStatus.ACCEPTED
            proposal.decided_by = actor
            proposal.decided_at = now
            proposal.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            "case.closed",
            actor=actor,
            case_id=case.pk,
            subject=f"case:{case.pk}",
            data={
                "period": period.number,
                "first_month": period.first_month,
                "last_month": last_month,
                "via": via,
                "reasons": {str(p.pk): given[p.pk] for p in people},
                "table_valid_from": version.valid_from.isoformat(),
                "proposals_accepted": [p.pk for p in proposals],
            },
        )
    return period


def dismiss_proposal(proposal: ClosureProposal, *, reason: str, actor: str) -> ClosureProposal:
    """The caseworker keeps the case open: the proposal is dismissed with a reason, audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Skriv varför ärendet ska vara öppet."})
    with transaction.atomic():
        updated = ClosureProposal.objects.filter(pk=proposal.pk, status=ProposalStatus.OPEN).update(
            status=ProposalStatus.DISMISSED,
            decided_by=actor,
            decided_at=timezone.now(),
            dismiss_reason=reason[:500],
        )
        if not updated:
            raise ValidationError("Förslaget är redan hanterat.")
        record(
            "case.closure_proposal_dismissed",
            actor=actor,
            case_id=proposal.case_id,
            subject=f"closure_proposal:{proposal.pk}",
            # the reason is kept on the proposal; the audit log carries no free text
            data={"months_without_application": proposal.months_without_application},
        )
    proposal.refresh_from_db()
    return proposal


# --------------------------------------------------------------------------- adult months


def validate_adult_month(month: str, hinder: str, activity: str) -> dict[str, str]:
    """Errors (field -> Swedish message) for codes not in the month's tables; "" is allowed
    (hinder not yet recorded, no activity)."""
    errors = {}
    if hinder and hinder not in codes(HINDER, month):
        errors["hinder"] = f"Okänt försörjningshinder {hinder!r} för {month}."
    if activity and activity not in codes(ACTIVITIES, month):
        errors["activity"] = f"Okänd arbetsmarknadsinsats {activity!r} för {month}."
    return errors


def record_adult_month(
    application: Application,
    person: Person,
    *,
    hinder: str,
    activity: str,
    source: str,
    actor: str,
) -> AdultMonth:
    """Record (or correct) one adult's försörjningshinder and arbetsmarknadsinsats for the
    application's month. Codes are validated against the tables in force for the month; the
    person must be an adult of the household that month. A caseworker's record is audited
    (``adult_month.recorded``); the applicant's answers are part of the submitted application.
    """
    hinder, activity = (hinder or "").strip(), (activity or "").strip()
    if source not in AdultMonthSource.values:
        raise ValueError(f"unknown source {source!r}")
    errors = validate_adult_month(application.month, hinder, activity)
    if person.pk not in {p.pk for p in adults(application.case, application.month)}:
        errors["person"] = "Personen är inte vuxen i hushållet den här månaden."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, created = AdultMonth.objects.update_or_create(
            application=application,
            person=person,
            defaults={
                "month": application.month,
                "hinder": hinder,
                "activity": activity,
                "source": source,
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )
        if source == AdultMonthSource.CASEWORKER:
            record(
                "adult_month.recorded",
                actor=actor,
                case_id=application.case_id,
                subject=f"application:{application.pk}",
                data={
                    "person": person.pk,
                    "month": application.month,
                    "hinder": hinder,
                    "activity": activity,
                    "created": created,
                },
            )
    return row


def previous_adult_month(application: Application, person: Person) -> AdultMonth | None:
    """The person's latest answer for an earlier month of the case (a repeat application may
    default from it)."""
    return (
        AdultMonth.objects.filter(
            application__case_id=application.case_id,
            person=person,
            month__lt=application.month,
        )
        .order_by("-month", "-recorded_at")
        .first()
    )


def record_applicant_answers(application: Application, *, actor: str = "") -> list[AdultMonth]:
    """On submission: the applicant's answers in the e-service (``declared["planning"]
    ["situation"]``: personnummer, hinder, activity per adult) become AdultMonth rows with
    source "applicant". Only the application's adults (sökande, medsökande) count; a code not
    in the month's tables is kept as "" (not recorded) for the caseworker to fill in; a row the
    caseworker has already recorded (a completion submitted again) is never overwritten."""
    situation = (application.declared.get("planning") or {}).get("situation") or []
    if not situation:
        return []
    adults_declared = {
        m.get("personnummer")
        for m in application.declared.get("members", [])
        if m.get("role") in membership.ADULT_ROLES
    }
    answers = {
        s.get("personnummer"): s
        for s in situation
        if isinstance(s, dict) and s.get("personnummer") in adults_declared
    }
    if not answers:
        return []
    hinder_codes = codes(HINDER, application.month)
    activity_codes = codes(ACTIVITIES, application.month)
    people = Person.objects.filter(personnummer__in=list(answers))
    existing = {row.person_id: row for row in AdultMonth.objects.filter(application=application)}
    now = timezone.now()
    saved = []
    for person in people:
        answer = answers[person.personnummer]
        hinder = answer.get("hinder") or ""
        activity = answer.get("activity") or ""
        values = {
            "month": application.month,
            "hinder": hinder if hinder in hinder_codes else "",
            "activity": activity if activity in activity_codes else "",
            "source": AdultMonthSource.APPLICANT,
            "recorded_by": actor,
            "recorded_at": now,
        }
        row = existing.get(person.pk)
        if row is not None and row.source == AdultMonthSource.CASEWORKER:
            continue
        if row is None:
            row = AdultMonth(application=application, person=person)
        for field, value in values.items():
            setattr(row, field, value)
        row.save()
        saved.append(row)
    return saved
