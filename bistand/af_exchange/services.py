"""Utbyte med Arbetsförmedlingen: what the rest of Bistånd calls.

    from bistand.af_exchange.services import notices_for, notify_may_be_covered

    notices_for([person.pk, partner.pk], "2026-10")   # {person_id: [AfNotice, …]}
    notify_may_be_covered(person, month="2026-10", actor=Actor.system("aktivitetskrav"))

The exchange itself (sending queued notices, fetching incoming ones) runs in background tasks
and the periodic poll (bistand/af_exchange/tasks.py, ``bistand af-exchange poll``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q

from bistand.audit.services import record
from bistand.cases import membership
from bistand.cases.membership import cases_of
from bistand.cases.models import CONFIRMED, HouseholdMember, Person
from bistand.rules.errors import InputError
from bistand.rules.period import Month

from .models import AfNotice, OutgoingAfNotice, OutgoingStatus

PURPOSE_OUTGOING = "aktivitetskrav: underrättelse till Arbetsförmedlingen"
PURPOSE_INCOMING = "aktivitetskrav: underrättelse från Arbetsförmedlingen"


def parse_month(month: str) -> Month:
    """``YYYY-MM`` as a Month; ``ValueError`` (with a Swedish message) otherwise."""
    try:
        return Month.parse(month)
    except InputError as exc:
        raise ValueError(str(exc)) from None


def case_id_of(person: Person) -> int | None:
    """The person's current case (the audit's ``case_id``), or None."""
    cases = cases_of(person)
    return cases[0].pk if cases else None


def notices_for(person_ids: Iterable[int], month: str) -> dict[int, list[AfNotice]]:
    """The notices from Arbetsförmedlingen, matched to these persons, whose period has at least
    one day in ``month`` (YYYY-MM), oldest period first. Every asked person is a key."""
    period = parse_month(month)
    ids = list(dict.fromkeys(int(pk) for pk in person_ids))
    found: dict[int, list[AfNotice]] = {pk: [] for pk in ids}
    notices = (
        AfNotice.objects.filter(person_id__in=ids, period_start__lte=period.last_day)
        .filter(Q(period_end__isnull=True) | Q(period_end__gte=period.first_day))
        .order_by("period_start", "pk")
    )
    for notice in notices:
        found[notice.person_id].append(notice)
    return found


def notify_may_be_covered(
    person: Person, *, month: str, actor: str, reason: str = ""
) -> OutgoingAfNotice:
    """Queue the notice to Arbetsförmedlingen that ``person`` may come under the aktivitetskrav
    from ``month``; once per person and month (a second call returns the first notice).

    The notice is sent by a background task after the transaction commits, with retries; the
    periodic poll sends any notice still queued.
    """
    month = str(parse_month(month))
    existing = OutgoingAfNotice.objects.filter(person=person, month=month).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            notice = OutgoingAfNotice.objects.create(
                person=person, month=month, reason=reason[:300], created_by=actor
            )
            record(
                "af_exchange.outgoing_queued",
                actor=actor,
                case_id=case_id_of(person),
                subject=f"af_outgoing:{notice.pk}",
                data={"purpose": PURPOSE_OUTGOING, "month": month, "person": person.pk},
            )
    except IntegrityError:  # a concurrent call queued it first
        return OutgoingAfNotice.objects.get(person=person, month=month)
    _enqueue_send(notice.pk)
    return notice


def _enqueue_send(outgoing_id: int) -> None:
    """Hook for the send task (bistand/af_exchange/tasks.py); until a task runs, the periodic
    poll sends every queued notice."""
    try:
        from . import tasks
    except ImportError:  # pragma: no cover - the task module arrives with the exchange
        return
    transaction.on_commit(lambda: tasks.send_outgoing.enqueue(outgoing_id))


__all__ = [
    "PURPOSE_INCOMING",
    "PURPOSE_OUTGOING",
    "OutgoingStatus",
    "notices_for",
    "notify_may_be_covered",
]


# --- what staff see ---------------------------------------------------------------------------


def _confirmed_adults(**where) -> list[HouseholdMember]:
    """Confirmed adult memberships (the only ones that give access to a case's data)."""
    return list(
        HouseholdMember.objects.filter(
            role__in=membership.ADULT_ROLES, basis__in=CONFIRMED, **where
        ).select_related("household__case")
    )


def _while_member(members: list[HouseholdMember], person_id: int, start: date, end: date | None):
    """Whether one of ``members`` is the person's membership during part of start–end."""
    return any(
        m.person_id == person_id
        and (m.valid_to is None or start <= m.valid_to)
        and (end is None or end >= m.valid_from)
        for m in members
    )


def _month_span(month: str) -> tuple[date, date]:
    span = Month.parse(month)
    return span.first_day, span.last_day


def persons_of_case(case) -> list[Person]:
    """The case's confirmed adults, present and past (notices are per person)."""
    members = _confirmed_adults(household_id=case.household_id)
    return list(Person.objects.filter(pk__in={m.person_id for m in members}).order_by("pk"))


def exchange_of_case(case) -> tuple[list[OutgoingAfNotice], list[AfNotice]]:
    """The case's exchange with AF: notices sent (newest first) and notices received, about its
    confirmed adults and only for the time each belonged to the household — a partner who has
    left is not followed by the old case (security review 2026-12-06)."""
    members = _confirmed_adults(household_id=case.household_id)
    persons = {m.person_id for m in members}
    outgoing = [
        n
        for n in OutgoingAfNotice.objects.filter(person_id__in=persons)
        .select_related("person")
        .order_by("-month", "-pk")
        if _while_member(members, n.person_id, *_month_span(n.month))
    ]
    incoming = [
        n
        for n in AfNotice.objects.filter(person_id__in=persons)
        .select_related("person")
        .order_by("-period_start", "-pk")
        if _while_member(members, n.person_id, n.period_start, n.period_end)
    ]
    return outgoing, incoming


def failed_sends_visible_to(user):
    """Failed sends about a confirmed adult of a case the user sees, for a month the person
    belonged to that household."""
    from bistand.staff import access

    members = _confirmed_adults(household__case__in=access.cases_visible_to(user))
    candidates = OutgoingAfNotice.objects.filter(
        status=OutgoingStatus.FAILED, person_id__in={m.person_id for m in members}
    ).only("pk", "person_id", "month")
    visible = [
        n.pk for n in candidates if _while_member(members, n.person_id, *_month_span(n.month))
    ]
    return (
        OutgoingAfNotice.objects.filter(pk__in=visible)
        .select_related("person")
        .order_by("-created_at", "-pk")
    )
