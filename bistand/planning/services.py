"""Planning meetings: publishing slots, offering and booking them, the 24-hour clock, outcomes.

Views (staff and Mina sidor) and the API are thin and call these functions; every change
writes an audit event in its own transaction and notifies the applicant after the commit
(bistand.notifications: "meeting_booked" / "meeting_changed").

The hours are the dated parameter ``national.planning_meeting`` (a local choice, Trelleborg's
24 hours): ``offer_hours`` is the clock the queue counts from the nyansökan's arrival, and the
window of slots offered first; ``horizon_hours`` how far ahead slots are shown when none is
free within it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from bistand.audit.services import Actor, record
from bistand.cases import membership
from bistand.cases.models import Application, ApplicationKind, Case, Person, State, Unit
from bistand.rules.parameters import default_store
from bistand.rules.period import Month
from bistand.staff import access
from bistand.staff.models import Role

from .models import Booking, Invitation, Mode, Outcome, Slot

PARAMETER = "national.planning_meeting"
#: Who publishes slots, invites and records meetings (read-only roles may only look).
PLANNERS = frozenset({Role.CASEWORKER, Role.TEAM_LEAD, Role.LABOUR_MARKET})
#: A nyansökan in these states is still waiting for its meeting to matter (before a decision).
OPEN_STATES = (
    State.SUBMITTED,
    State.ROBOT_PROCESSING,
    State.PROPOSAL_READY,
    State.COMPLETION_REQUESTED,
)
MIN_MINUTES, MAX_MINUTES = 15, 240


class PlanningError(Exception):
    """A refusal the user can act on; the message is Swedish."""


@dataclass(frozen=True)
class Hours:
    offer: int
    horizon: int


def hours(on: datetime | None = None) -> Hours:
    day = timezone.localdate(on or timezone.now())
    version = default_store().table(PARAMETER).version_for(Month(day.year, day.month))
    values = version.data["values"]
    return Hours(int(values["offer_hours"]), int(values["horizon_hours"]))


def can_plan(user) -> bool:
    return access.has_role(user, *PLANNERS)


def require_planner(user) -> None:
    if not can_plan(user):
        raise PermissionDenied("Du har bara läsbehörighet.")


# --------------------------------------------------------------------------- slots


def planner_units(user) -> QuerySet[Unit]:
    staff = access.profile(user)
    if staff is None or not can_plan(user):
        return Unit.objects.none()
    return staff.units.all().order_by("name")


def publish_slot(
    user, *, unit: Unit, starts_at: datetime, minutes: int, mode: str, place: str
) -> Slot:
    require_planner(user)
    if not planner_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied("Du kan bara lägga ut tider för dina egna enheter.")
    place = (place or "").strip()
    if starts_at <= timezone.now():
        raise PlanningError("Tiden har redan varit. Välj en tid framåt.")
    if not MIN_MINUTES <= int(minutes) <= MAX_MINUTES:
        raise PlanningError(f"Längden ska vara {MIN_MINUTES}–{MAX_MINUTES} minuter.")
    if mode not in Mode.values:
        raise PlanningError("Välj på plats eller videomöte.")
    if not place:
        raise PlanningError("Skriv var mötet hålls (adress och rum) eller länken till videomötet.")
    with transaction.atomic():
        slot = Slot.objects.create(
            unit=unit,
            starts_at=starts_at,
            minutes=int(minutes),
            mode=mode,
            place=place[:200],
            created_by=user,
        )
        record(
            "planning.slot_published",
            actor=Actor.user(user),
            subject=f"slot:{slot.pk}",
            data={"unit": unit.pk, "starts_at": starts_at.isoformat(), "minutes": slot.minutes},
        )
    return slot


def withdraw_slot(user, slot: Slot) -> None:
    require_planner(user)
    if not planner_units(user).filter(pk=slot.unit_id).exists():
        raise PermissionDenied("Tiden hör inte till dina enheter.")
    with transaction.atomic():
        if live_bookings().filter(slot=slot).exists():
            raise PlanningError("Tiden är bokad. Boka om mötet först, sedan kan tiden tas bort.")
        Slot.objects.filter(pk=slot.pk).update(withdrawn_at=timezone.now())
        record("planning.slot_withdrawn", actor=Actor.user(user), subject=f"slot:{slot.pk}")


def live_bookings() -> QuerySet[Booking]:
    """Bookings still ahead: not cancelled and without an outcome."""
    return Booking.objects.filter(cancelled_at__isnull=True, outcome="")


def free_slots(unit_id: int | None) -> QuerySet[Slot]:
    """Slots of the unit not withdrawn and not taken (a booking that was not cancelled or
    rebooked holds its slot)."""
    taken = Booking.objects.filter(slot=OuterRef("pk"), cancelled_at__isnull=True).exclude(
        outcome=Outcome.REBOOKED
    )
    return (
        Slot.objects.filter(unit_id=unit_id, withdrawn_at__isnull=True)
        .exclude(Exists(taken))
        .order_by("starts_at", "pk")
    )


# --------------------------------------------------------------------------- who is offered


def open_nyansokan(case: Case) -> Application | None:
    return (
        Application.objects.filter(
            case=case, kind=ApplicationKind.FIRST, state__in=OPEN_STATES, submitted_at__isnull=False
        )
        .order_by("-submitted_at")
        .first()
    )


def open_invitation(case: Case) -> Invitation | None:
    return Invitation.objects.filter(case=case, closed_at__isnull=True).first()


def arrival(case: Case) -> datetime | None:
    """When the 24-hour clock started: the open nyansökan's arrival, else the invitation's."""
    application = open_nyansokan(case)
    if application is not None:
        return application.submitted_at
    invitation = open_invitation(case)
    return invitation.invited_at if invitation else None


def held_since(case: Case, since: datetime) -> bool:
    return Booking.objects.filter(case=case, outcome=Outcome.HELD, outcome_at__gte=since).exists()


def cases_of(person: Person) -> list[Case]:
    """The cases the person may book for: where they are a confirmed sökande or medsökande
    today. Not where they once signed: a partner who has left must not see, book or cancel the
    household's meeting (its place may be a protected address). A nyansökan's applicant is a
    confirmed member from their own signature on."""
    return membership.cases_of(person)


def offer_for(person: Person) -> Case | None:
    """The person's case that is offered a meeting now (or has one booked), if any."""
    for case in sorted(cases_of(person), key=lambda c: -c.pk):
        if current_booking(case) is not None:
            return case
        start = arrival(case)
        if start is not None and not held_since(case, start):
            return case
    return None


def current_booking(case: Case) -> Booking | None:
    return live_bookings().filter(case=case).select_related("slot", "slot__unit").first()


@dataclass(frozen=True)
class Offer:
    slots: list[Slot]
    within_clock: bool  # False: none free within offer_hours; the next ones up to the horizon
    deadline: datetime | None


def offered_slots(case: Case, now: datetime | None = None) -> Offer:
    now = now or timezone.now()
    limits = hours(now)
    start = arrival(case)
    deadline = start + timedelta(hours=limits.offer) if start else None
    free = free_slots(case.unit_id).filter(starts_at__gt=now)
    window_end = max(deadline or now, now + timedelta(hours=limits.offer))
    within = list(free.filter(starts_at__lte=window_end)[:50])
    if within:
        return Offer(within, True, deadline)
    return Offer(
        list(free.filter(starts_at__lte=now + timedelta(hours=limits.horizon))[:50]),
        False,
        deadline,
    )


# --------------------------------------------------------------------------- booking


def book(person: Person, case: Case, slot_id: int, *, actor: str | None = None) -> Booking:
    """The applicant books (or rebooks to) a slot offered to their case."""
    if case.pk not in {c.pk for c in cases_of(person)}:
        raise PermissionDenied("Ärendet är inte ditt.")
    offer = offered_slots(case)
    slot = next((s for s in offer.slots if s.pk == slot_id), None)
    if slot is None:
        raise PlanningError(gettext_noop("Tiden är inte längre ledig. Välj en annan tid."))
    return _book(case, slot, person, actor=actor or Actor.applicant(person))


def _book(case: Case, slot: Slot, person: Person, *, actor: str, changed: bool = False) -> Booking:
    from bistand.notifications.services import notify

    try:
        with transaction.atomic():
            previous = current_booking(case)
            if previous is not None:
                Booking.objects.filter(pk=previous.pk).update(cancelled_at=timezone.now())
            booking = Booking.objects.create(
                slot=slot,
                case=case,
                application=open_nyansokan(case),
                person=person,
                booked_by=actor,
            )
            record(
                "planning.rebooked" if previous else "planning.booked",
                actor=actor,
                case_id=case.pk,
                subject=f"booking:{booking.pk}",
                data={"slot": slot.pk, **({"previous": previous.pk} if previous else {})},
            )
            kind = "meeting_changed" if previous or changed else "meeting_booked"
            notify(person, kind, case_id=case.pk)
    except IntegrityError:
        raise PlanningError(
            gettext_noop("Någon hann boka tiden före dig. Välj en annan tid.")
        ) from None
    return booking


def cancel(person: Person, booking: Booking) -> None:
    """The applicant cancels their booking; the case is back in the queue."""
    from bistand.notifications.services import notify

    if booking.case_id not in {c.pk for c in cases_of(person)}:
        raise PermissionDenied("Bokningen är inte din.")
    with transaction.atomic():
        done = live_bookings().filter(pk=booking.pk).update(cancelled_at=timezone.now())
        if not done:
            raise PlanningError(gettext_noop("Mötet är redan avbokat eller genomfört."))
        record(
            "planning.cancelled",
            actor=Actor.applicant(person),
            case_id=booking.case_id,
            subject=f"booking:{booking.pk}",
        )
        notify(person, "meeting_changed", case_id=booking.case_id)


def bookings_for(person: Person) -> QuerySet[Booking]:
    return Booking.objects.filter(case__in=[c.pk for c in cases_of(person)])


# --------------------------------------------------------------------------- staff


def invite(user, case: Case) -> Invitation:
    """The caseworker offers the case a planning meeting (any case, not only a nyansökan)."""
    require_planner(user)
    with transaction.atomic():
        existing = open_invitation(case)
        if existing is not None:
            return existing
        invitation = Invitation.objects.create(case=case, invited_by=user)
        record(
            "planning.invited",
            actor=Actor.user(user),
            case_id=case.pk,
            subject=f"invitation:{invitation.pk}",
        )
    return invitation


def record_outcome(
    user, booking: Booking, outcome: str, plan: str = "", *, new_slot_id: int | None = None
) -> Booking:
    """Held (with the plan), not attended, or rebooked (to a new slot, if one is given)."""
    require_planner(user)
    if outcome not in Outcome.values:
        raise PlanningError("Välj hur det gick: genomfört, uteblev eller ombokat.")
    plan = (plan or "").strip()
    if outcome == Outcome.HELD and not plan:
        raise PlanningError("Skriv planeringen som mötet kom fram till.")
    if outcome == Outcome.HELD and booking.slot.starts_at > timezone.now():
        raise PlanningError("Mötet har inte börjat än; det kan inte registreras som genomfört.")
    new_slot = None
    if outcome == Outcome.REBOOKED and new_slot_id:
        new_slot = (
            free_slots(booking.case.unit_id)
            .filter(pk=new_slot_id, starts_at__gt=timezone.now())
            .first()
        )
        if new_slot is None:
            raise PlanningError("Den nya tiden är inte ledig. Välj en annan tid.")
    with transaction.atomic():
        done = (
            live_bookings()
            .filter(pk=booking.pk)
            .update(outcome=outcome, outcome_at=timezone.now(), outcome_by=user, plan=plan[:10000])
        )
        if not done:
            raise PlanningError("Mötet har redan ett utfall eller är avbokat.")
        if outcome == Outcome.HELD:
            Invitation.objects.filter(case=booking.case, closed_at__isnull=True).update(
                closed_at=timezone.now()
            )
        record(
            "planning.outcome_recorded",
            actor=Actor.user(user),
            case_id=booking.case_id,
            subject=f"booking:{booking.pk}",
            data={"outcome": outcome, "plan_chars": len(plan)},
        )
        if new_slot is not None:
            _book(booking.case, new_slot, booking.person, actor=Actor.user(user), changed=True)
    booking.refresh_from_db()
    return booking


# --------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class Waiting:
    case: Case
    application: Application | None
    arrived: datetime
    deadline: datetime
    remaining: timedelta
    invited: bool

    @property
    def overdue(self) -> bool:
        return self.remaining.total_seconds() < 0

    @property
    def remaining_text(self) -> str:
        seconds = int(abs(self.remaining.total_seconds()))
        h, m = divmod(seconds // 60, 60)
        text = f"{h} h {m:02d} min"
        return f"{text} över tiden" if self.overdue else f"{text} kvar"


def waiting(user, now: datetime | None = None) -> list[Waiting]:
    """The cases the user sees that have an open nyansökan or invitation and neither a booked
    nor a held meeting since, most urgent first (the 24-hour clock from the arrival)."""
    now = now or timezone.now()
    offer = timedelta(hours=hours(now).offer)
    visible = access.cases_visible_to(user)
    booked = live_bookings().filter(case=OuterRef("case_id"))
    rows: dict[int, Waiting] = {}
    for application in (
        Application.objects.filter(
            case__in=visible,
            kind=ApplicationKind.FIRST,
            state__in=OPEN_STATES,
            submitted_at__isnull=False,
        )
        .exclude(Exists(booked))
        .exclude(
            Exists(
                Booking.objects.filter(
                    case=OuterRef("case_id"),
                    outcome=Outcome.HELD,
                    outcome_at__gte=OuterRef("submitted_at"),
                )
            )
        )
        .select_related("case", "case__unit")
        .order_by("submitted_at")
    ):
        if application.case_id in rows:
            continue
        deadline = application.submitted_at + offer
        rows[application.case_id] = Waiting(
            application.case, application, application.submitted_at, deadline, deadline - now, False
        )
    invitations = (
        Invitation.objects.filter(case__in=visible, closed_at__isnull=True)
        .exclude(Exists(live_bookings().filter(case=OuterRef("case_id"))))
        .select_related("case", "case__unit")
    )
    for invitation in invitations:
        if invitation.case_id in rows:
            continue
        deadline = invitation.invited_at + offer
        rows[invitation.case_id] = Waiting(
            invitation.case, None, invitation.invited_at, deadline, deadline - now, True
        )
    return sorted(rows.values(), key=lambda w: w.deadline)


def upcoming(user) -> QuerySet[Booking]:
    """Booked meetings in the user's cases still without an outcome, earliest first."""
    return (
        live_bookings()
        .filter(case__in=access.cases_visible_to(user))
        .select_related("slot", "slot__unit", "case")
        .order_by("slot__starts_at")
    )


def slots_for(user) -> QuerySet[Slot]:
    """The slots of the user's units from today on, with their bookings."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    units = access.profile(user).units.all() if access.profile(user) else Unit.objects.none()
    return (
        Slot.objects.filter(unit__in=units, starts_at__gte=today, withdrawn_at__isnull=True)
        .select_related("unit")
        .order_by("starts_at")
    )


def case_bookings(case: Case) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(case=case)
        .select_related("slot", "slot__unit")
        .order_by("-booked_at")
    )
