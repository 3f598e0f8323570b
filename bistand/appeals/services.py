"""Delivery of the decision, appeals, rättidsprövning, avvisning, omprövning, forwarding to
förvaltningsrätten and the court's outcome. Views, the API and the demo call these; each
writes an audit event in the same transaction as its change.

The dates the law counts come from bistand/rules/deadlines.py; the three local choices
(assumed postal delivery, forwarding within, new decision after a remand) from the dated
parameter ``national.appeals``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from bistand.audit.services import Actor, record
from bistand.cases.models import Application, Person
from bistand.decisions.models import Decision, Outcome
from bistand.rules import deadlines
from bistand.rules.parameters import default_store
from bistand.rules.period import Month

from .models import (
    Appeal,
    AppealAttachment,
    AppealChannel,
    AppealStatus,
    Channel,
    CourtOutcome,
    Delivery,
    Reconsideration,
    ReconsiderationKind,
    SupplementaryPayment,
    SupplementaryStatus,
    Timeliness,
)

PARAMETER = "national.appeals"
LAW_TIMELINESS = "förvaltningslagen (2017:900) 45 §"
LAW_FORWARD = "förvaltningslagen (2017:900) 46 §"
LAW_RECONSIDER = "förvaltningslagen (2017:900) 38–39 §§"
JO_UNKNOWN_DELIVERY = "JO dnr 3372-2017"
MAX_TEXT = 10000


class AppealError(Exception):
    """A step that cannot be taken, with the reason in Swedish for the user."""


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Parameters:
    post_delivery_days: int
    forward_within_days: int
    remand_new_decision_days: int
    version: str  # "national.appeals 2018-07-01 (provisional)"


def parameters(day: date | None = None) -> Parameters:
    day = day or today()
    version = default_store().table(PARAMETER).version_for(Month(day.year, day.month))
    values = version.data["values"]
    return Parameters(
        post_delivery_days=int(values["post_delivery_days"]),
        forward_within_days=int(values["forward_within_days"]),
        remand_new_decision_days=int(values["remand_new_decision_days"]),
        version=f"{PARAMETER} {version.valid_from} ({version.status})",
    )


def _is_urgent(decision) -> bool:
    """An ``urgent.UrgentDecision`` (nödbistånd) rather than a month's ``Decision``."""
    return decision._meta.label == "urgent.UrgentDecision"


def _case_id(decision) -> int:
    if _is_urgent(decision):
        return decision.request.case_id
    return decision.application.case_id


def _of(decision) -> dict:
    """The filter on ``Delivery`` / ``Appeal`` for either kind of decision."""
    return {"urgent_decision": decision} if _is_urgent(decision) else {"decision": decision}


def _subject(decision) -> str:
    return f"urgent_decision:{decision.pk}" if _is_urgent(decision) else f"decision:{decision.pk}"


# --------------------------------------------------------------------------- delivery


def record_read_on_minasidor(application: Application, person: Person) -> Delivery | None:
    """The applicant opened the decision (or its PDF) on Mina sidor: recorded the first time
    only; later openings change nothing. None when the application has no decision."""
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        return None
    if Delivery.objects.filter(decision=decision, channel=Channel.MINASIDOR).exists():
        return None
    actor = Actor.applicant(person)
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                decision=decision,
                channel=Channel.MINASIDOR,
                delivered_on=today(),
                opened_by=person,
                recorded_by=actor,
            )
            record(
                "appeals.delivered",
                actor=actor,
                case_id=application.case_id,
                subject=f"decision:{decision.pk}",
                data={"channel": Channel.MINASIDOR, "delivered_on": str(delivery.delivered_on)},
            )
    except IntegrityError:  # a second tab opened it at the same moment
        return None
    return delivery


def record_urgent_read_on_minasidor(urgent_decision, person: Person) -> Delivery | None:
    """The applicant (or an adult of the case) opened the urgent decision's letter on Mina
    sidor: recorded the first time only, as for a month's decision."""
    if Delivery.objects.filter(urgent_decision=urgent_decision, channel=Channel.MINASIDOR).exists():
        return None
    actor = Actor.applicant(person)
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                urgent_decision=urgent_decision,
                channel=Channel.MINASIDOR,
                delivered_on=today(),
                opened_by=person,
                recorded_by=actor,
            )
            record(
                "appeals.delivered",
                actor=actor,
                case_id=_case_id(urgent_decision),
                subject=_subject(urgent_decision),
                data={"channel": Channel.MINASIDOR, "delivered_on": str(delivery.delivered_on)},
            )
    except IntegrityError:
        return None
    return delivery


class DigitalMailbox(Protocol):
    """A digital mailbox service (e.g. Kivra, Min myndighetspost via the state's Mina
    meddelanden). ``deposit`` hands over the letter's PDF and returns the day it was put in the
    recipient's mailbox. No real service is connected: ``StubMailbox`` stands in for it."""

    def deposit(self, decision: Decision, pdf: bytes) -> date: ...


class StubMailbox:
    """Accepts every letter and says it was put in the mailbox today. Replace it with the
    municipality's contracted service (docs/appeals.md)."""

    def deposit(self, decision: Decision, pdf: bytes) -> date:
        return today()


def send_to_mailbox(decision: Decision, *, user, mailbox: DigitalMailbox | None = None) -> Delivery:
    from bistand.letters.services import archive_letter

    if Delivery.objects.filter(decision=decision, channel=Channel.MAILBOX).exists():
        raise AppealError("Beslutet finns redan i den digitala brevlådan.")
    actor = Actor.user(user)
    letter = archive_letter(decision, actor=actor)
    deposited = (mailbox or StubMailbox()).deposit(decision, bytes(letter.pdf))
    with transaction.atomic():
        delivery = Delivery.objects.create(
            decision=decision,
            channel=Channel.MAILBOX,
            sent_on=deposited,
            delivered_on=deposited,
            recorded_by=actor,
        )
        record(
            "appeals.delivered",
            actor=actor,
            case_id=_case_id(decision),
            subject=f"decision:{decision.pk}",
            data={"channel": Channel.MAILBOX, "delivered_on": str(deposited)},
        )
    return delivery


def record_post(
    decision: Decision,
    *,
    user,
    sent_on: date,
    delivered_on: date | None = None,
    evidence: str = "",
) -> Delivery:
    """The decision was sent by post on ``sent_on``; ``delivered_on`` (optional) is the actual
    day it arrived, e.g. from a delivery receipt. Recording again updates the same row."""
    decided_on = timezone.localdate(decision.decided_at)
    if sent_on < decided_on:
        raise AppealError("Beslutet kan inte ha skickats före beslutsdagen.")
    if sent_on > today():
        raise AppealError("Dagen då beslutet skickades kan inte ligga i framtiden.")
    if delivered_on is not None and not (sent_on <= delivered_on <= today()):
        raise AppealError(
            "Dagen då beslutet kom fram måste vara samma dag som det skickades eller senare, "
            "och inte i framtiden."
        )
    if delivered_on is not None and not evidence.strip():
        raise AppealError("Skriv vad som visar att beslutet kom fram, t.ex. mottagningsbevis.")
    actor = Actor.user(user)
    days = parameters(sent_on).post_delivery_days
    with transaction.atomic():
        delivery, _ = Delivery.objects.update_or_create(
            **_of(decision),
            channel=Channel.POST,
            defaults={
                "sent_on": sent_on,
                "delivered_on": delivered_on,
                "assumed_days": days,
                "evidence": evidence.strip()[:200],
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )
        record(
            "appeals.delivered",
            actor=actor,
            case_id=_case_id(decision),
            subject=_subject(decision),
            data={
                "channel": Channel.POST,
                "sent_on": str(sent_on),
                "delivered_on": str(delivered_on) if delivered_on else None,
                "assumed_days": days,
            },
        )
    return delivery


@dataclass(frozen=True)
class DeliveryStatus:
    """When the decision counts as having reached the applicant, and how that is known."""

    on: date | None
    how: (
        str  # Swedish, e.g. "läst på Mina sidor" / "antagen: skickat med post 2025-04-02 + 3 dagar"
    )
    proven: bool
    period_end: date | None
    rows: list[Delivery]

    @property
    def known(self) -> bool:
        return self.on is not None


def delivery_of(decision) -> DeliveryStatus:
    """The earliest proven delivery (read on Mina sidor, put in the digital mailbox, an actual
    postal delivery date); without one, the assumed postal delivery (sent + N days,
    ``national.appeals``); without that, unknown. ``decision``: a month's ``Decision`` or an
    ``urgent.UrgentDecision``."""
    rows = list(Delivery.objects.filter(**_of(decision)).order_by("recorded_at", "pk"))
    proven = [(r.delivered_on, r) for r in rows if r.delivered_on is not None]
    if proven:
        on, row = min(proven, key=lambda pair: pair[0])
        how = row.get_channel_display()
        if row.channel == Channel.POST:
            how = f"post, kom fram enligt {row.evidence}" if row.evidence else "post"
        elif row.channel == Channel.MAILBOX:
            how = "lagt i den digitala brevlådan"
        return DeliveryStatus(on, how, True, deadlines.appeal_period_end(on), rows)
    posted = next((r for r in rows if r.channel == Channel.POST and r.sent_on), None)
    if posted is not None:
        days = posted.assumed_days or parameters(posted.sent_on).post_delivery_days
        on = posted.sent_on + timedelta(days=days)
        how = f"antagen: skickat med post {posted.sent_on:%Y-%m-%d} + {days} dagar"
        return DeliveryStatus(on, how, False, deadlines.appeal_period_end(on), rows)
    return DeliveryStatus(None, "okänd", False, None, rows)


# --------------------------------------------------------------------------- appeals


def decision_of(application: Application) -> Decision:
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        raise AppealError("Ansökan har inget beslut att överklaga.")
    return decision


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise AppealError("Skriv vad du vill ändra i beslutet och varför.")
    if len(text) > MAX_TEXT:
        raise AppealError("Överklagandet får vara högst 10 000 tecken.")
    return text


def _store(appeal: Appeal, upload) -> AppealAttachment:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "bilaga").replace("/", "_").replace("\\", "_")[-200:]
    stored = AppealAttachment(
        appeal=appeal,
        filename=name,
        content_type=getattr(upload, "detected_type", "application/octet-stream"),
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    stored.file.save(name, upload, save=False)
    stored.save()
    return stored


def submit_appeal(application: Application, person: Person, text: str, uploads=()) -> Appeal:
    """The applicant's appeal from Mina sidor (the caller has checked that the application is
    theirs: eservice.services.application_for). Arrives today; files already validated by the
    e-service's attachment form."""
    return _submit(decision_of(application), person, text, uploads)


def submit_urgent_appeal(urgent_decision, person: Person, text: str, uploads=()) -> Appeal:
    """The applicant's appeal of an urgent decision from Mina sidor (the caller has checked
    that the urgent request is theirs: urgent.views.own_requests)."""
    return _submit(urgent_decision, person, text, uploads)


def _submit(decision, person: Person, text: str, uploads=()) -> Appeal:
    text = _clean_text(text)
    actor = Actor.applicant(person)
    stored: list[AppealAttachment] = []
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                **_of(decision),
                channel=AppealChannel.MINASIDOR,
                text=text,
                arrived_on=today(),
                appellant=person,
            )
            for upload in uploads:
                stored.append(_store(appeal, upload))
            record(
                "appeals.received",
                actor=actor,
                case_id=_case_id(decision),
                subject=f"appeal:{appeal.pk}",
                data={
                    "decision": _subject(decision),
                    "channel": AppealChannel.MINASIDOR,
                    "attachments": len(stored),
                },
            )
    except Exception:
        for attachment in stored:  # the rows rolled back; the files must not stay behind
            attachment.file.storage.delete(attachment.file.name)
        raise
    return appeal


def register_paper_appeal(application: Application, *, user, text: str, arrived_on: date) -> Appeal:
    return _register_paper(decision_of(application), user=user, text=text, arrived_on=arrived_on)


def register_paper_urgent_appeal(urgent_decision, *, user, text: str, arrived_on: date) -> Appeal:
    """A paper appeal of an urgent decision, with the day it arrived."""
    return _register_paper(urgent_decision, user=user, text=text, arrived_on=arrived_on)


def _register_paper(decision, *, user, text: str, arrived_on: date) -> Appeal:
    text = _clean_text(text)
    if arrived_on > today():
        raise AppealError("Dagen då överklagandet kom in kan inte ligga i framtiden.")
    if arrived_on < timezone.localdate(decision.decided_at):
        raise AppealError("Överklagandet kan inte ha kommit in före beslutsdagen.")
    with transaction.atomic():
        appeal = Appeal.objects.create(
            **_of(decision),
            channel=AppealChannel.PAPER,
            text=text,
            arrived_on=arrived_on,
            registered_by=user,
        )
        record(
            "appeals.received",
            actor=Actor.user(user),
            case_id=_case_id(decision),
            subject=f"appeal:{appeal.pk}",
            data={"decision": _subject(decision), "channel": AppealChannel.PAPER},
        )
    return appeal


@dataclass(frozen=True)
class TimelinessResult:
    """Rättidsprövning (FL 45 §) with the dates it rests on."""

    result: str  # a Timeliness value
    arrived_on: date
    delivered_on: date | None
    delivery_how: str
    period_end: date | None

    @property
    def label(self) -> str:
        return Timeliness(self.result).label

    @property
    def explanation(self) -> str:
        if self.result == Timeliness.UNKNOWN:
            return (
                "Det går inte att visa när beslutet kom fram till sökanden. Överklagandet kan "
                f"därför inte avvisas som för sent och behandlas som inkommet i rätt tid "
                f"({JO_UNKNOWN_DELIVERY})."
            )
        verb = "kom in i rätt tid" if self.result == Timeliness.TIMELY else "kom in för sent"
        return (
            f"Beslutet kom fram {self.delivered_on:%Y-%m-%d} ({self.delivery_how}). Sista dag "
            f"att överklaga var {self.period_end:%Y-%m-%d}. Överklagandet kom in "
            f"{self.arrived_on:%Y-%m-%d} och {verb} ({LAW_TIMELINESS})."
        )


def judge(delivered_on: date | None, arrived_on: date) -> str:
    """Rättidsprövning on the dates alone: unknown delivery → UNKNOWN (treated as timely, never
    late: JO 3372-2017); else TIMELY when the appeal arrived by the period's last day."""
    if delivered_on is None:
        return Timeliness.UNKNOWN
    if deadlines.appeal_in_time(delivered_on, arrived_on):
        return Timeliness.TIMELY
    return Timeliness.LATE


def timeliness(appeal: Appeal) -> TimelinessResult:
    """Computed now from the recorded deliveries; an unknown delivery is never late."""
    status = delivery_of(appeal.subject)
    result = judge(status.on, appeal.arrived_on)
    return TimelinessResult(result, appeal.arrived_on, status.on, status.how, status.period_end)


def _tell_household(appeal: Appeal) -> None:
    """The adults of the application get the notice "appeal_update" (no detail: what happened
    is on Mina sidor), sent once the transaction commits (bistand.notifications)."""
    from bistand.cases.membership import confirmed_adults
    from bistand.notifications.services import notify

    if appeal.is_urgent:  # the one who asked for the urgent help
        notify(appeal.urgent_decision.request.applicant, "appeal_update", case_id=appeal.case_id)
        return
    application = appeal.decision.application
    for adult in confirmed_adults(application):
        notify(adult.person, "appeal_update", case_id=application.case_id)


def _locked(appeal: Appeal) -> Appeal:
    return (
        # Only the appeal's row: the joined decision is on the nullable side of an outer join
        # now that an appeal is of either kind of decision (PostgreSQL refuses to lock it).
        Appeal.objects.select_for_update(of=("self",))
        .select_related("decision__application", "urgent_decision__request")
        .get(pk=appeal.pk)
    )


OPEN_FOR_EXAMINATION = (AppealStatus.RECEIVED, AppealStatus.EXAMINED)


def examine(appeal: Appeal, *, user) -> Appeal:
    """The caseworker confirms the rättidsprövning: the computed result and its dates are
    stored. May be done again (e.g. after a delivery date was recorded) until the appeal is
    dismissed or forwarded."""
    with transaction.atomic():
        appeal = _locked(appeal)
        if appeal.status not in OPEN_FOR_EXAMINATION:
            raise AppealError("Överklagandet är redan avgjort hos nämnden.")
        if appeal.reconsiderations.exists():
            raise AppealError(
                "Beslutet har redan omprövats efter rättidsprövningen; den prövas inte om."
            )
        found = timeliness(appeal)
        appeal.timeliness = found.result
        appeal.delivered_on_used = found.delivered_on
        appeal.delivery_how_used = found.delivery_how[:120]
        appeal.period_end_used = found.period_end
        appeal.examined_at, appeal.examined_by = timezone.now(), user
        appeal.status = AppealStatus.EXAMINED
        if found.result != Timeliness.LATE and appeal.forward_due_on is None:
            appeal.forward_due_on = deadlines.time_limit_end(
                appeal.arrived_on, days=parameters(appeal.arrived_on).forward_within_days
            )
        appeal.save()
        record(
            "appeals.examined",
            actor=Actor.user(user),
            case_id=appeal.case_id,
            subject=f"appeal:{appeal.pk}",
            data={
                "timeliness": found.result,
                "delivered_on": str(found.delivered_on) if found.delivered_on else None,
                "period_end": str(found.period_end) if found.period_end else None,
                "arrived_on": str(found.arrived_on),
            },
        )
        _tell_household(appeal)
    return appeal


def dismiss(appeal: Appeal, *, user, reasons: str) -> Appeal:
    """Avvisning (FL 45 §): only a late appeal, only by a caseworker's decision, with a letter
    that says how to appeal the dismissal."""
    from . import letters

    reasons = (reasons or "").strip()
    if not reasons:
        raise AppealError("Skriv motiveringen till beslutet att avvisa överklagandet.")
    with transaction.atomic():
        appeal = _locked(appeal)
        if appeal.status != AppealStatus.EXAMINED or appeal.timeliness != Timeliness.LATE:
            raise AppealError(
                "Bara ett överklagande som rättidsprövats och kommit in för sent kan avvisas."
            )
        # The dates could have changed since the examination (a delivery recorded later).
        if timeliness(appeal).result != Timeliness.LATE:
            raise AppealError(
                "Rättidsprövningen ger inte längre att överklagandet kom in för sent. Pröva "
                "om rättidsprövningen."
            )
        appeal.status = AppealStatus.DISMISSED
        appeal.dismissed_at, appeal.dismissed_by = timezone.now(), user
        appeal.dismissal_reasons = reasons[:5000]
        pdf = letters.dismissal_pdf(appeal)
        appeal.dismissal_pdf, appeal.dismissal_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
        appeal.save()
        record(
            "appeals.dismissed",
            actor=Actor.user(user),
            case_id=appeal.case_id,
            subject=f"appeal:{appeal.pk}",
            data={"letter_sha256": appeal.dismissal_sha256},
        )
        _tell_household(appeal)
    return appeal


def granted_so_far(decision: Decision) -> int:
    """What the decision and the reconsiderations of it have granted, in öre."""
    supplements = SupplementaryPayment.objects.filter(decision=decision).aggregate(
        total=Sum("amount_ore")
    )["total"]
    return decision.amount_ore + (supplements or 0)


def reconsider(
    appeal: Appeal,
    *,
    user,
    new_amount_ore: int,
    reasons: str,
    fully_as_requested: bool = False,
    kind: str = ReconsiderationKind.OMPROVNING,
) -> Reconsideration:
    """Omprövning (FL 38–39 §§), the new decision after a remand, or the court's changed
    decision carried out: a new decision with its own letter, and one supplementary payment
    order for the difference. A lower amount is refused
    (FL 38 § second paragraph: not to the applicant's disadvantage)."""
    from bistand.payments.services import create_supplementary_order, next_bank_day

    from . import letters

    reasons = (reasons or "").strip()
    if not reasons:
        raise AppealError("Skriv motiveringen till det nya beslutet.")
    if new_amount_ore < 0:
        raise AppealError("Beloppet kan inte vara negativt.")
    with transaction.atomic():
        appeal = _locked(appeal)
        if appeal.is_urgent:
            raise AppealError(
                "Ett beslut om akut hjälp ändras genom ett nytt beslut om akut hjälp, inte här. "
                "Lämna över överklagandet om beslutet inte ändras helt."
            )
        decision = Decision.objects.select_for_update().get(pk=appeal.decision_id)
        if kind == ReconsiderationKind.OMPROVNING:
            if appeal.status != AppealStatus.EXAMINED or appeal.timeliness == Timeliness.LATE:
                raise AppealError(
                    "Omprövning görs efter rättidsprövningen och innan överklagandet lämnas "
                    "över till förvaltningsrätten."
                )
        elif kind == ReconsiderationKind.COURT_JUDGMENT:
            if appeal.court_outcome != CourtOutcome.CHANGED:
                raise AppealError(
                    "Bara en dom där förvaltningsrätten ändrat beslutet verkställs här."
                )
        elif not (appeal.court_outcome == CourtOutcome.REMANDED and not appeal.remand_resolved_on):
            raise AppealError("Ärendet väntar inte på ett nytt beslut efter återförvisning.")
        if appeal.reconsiderations.filter(kind=kind).exists():
            raise AppealError("Det finns redan ett sådant nytt beslut för överklagandet.")
        previous = granted_so_far(decision)
        if new_amount_ore < previous:
            raise AppealError(
                f"Beslutet kan inte ändras till sökandens nackdel vid omprövning "
                f"({LAW_RECONSIDER}; 38 § andra stycket). Nuvarande belopp är "
                f"{previous / 100:.2f} kr; det nya får inte vara lägre."
            )
        if new_amount_ore == previous and kind == ReconsiderationKind.OMPROVNING:
            raise AppealError(
                "Beloppet är detsamma som i beslutet. Ändras inte beslutet ska överklagandet "
                "lämnas över till förvaltningsrätten."
            )
        outcome = Outcome.GRANT if fully_as_requested else Outcome.PARTIAL
        if new_amount_ore == 0:
            outcome = Outcome.REFUSAL
        reconsideration = Reconsideration(
            appeal=appeal,
            decision=decision,
            kind=kind,
            outcome=outcome,
            previous_amount_ore=previous,
            new_amount_ore=new_amount_ore,
            reasons=reasons[:5000],
            fully_as_requested=fully_as_requested,
            decided_by=user,
        )
        pdf = letters.reconsideration_pdf(reconsideration)
        reconsideration.letter_pdf = pdf
        reconsideration.letter_sha256 = hashlib.sha256(pdf).hexdigest()
        reconsideration.save(force_insert=True)
        payment = None
        difference = new_amount_ore - previous
        if difference > 0:
            payee = _payee(decision)
            payment = SupplementaryPayment.objects.create(
                reconsideration=reconsideration,
                decision=decision,
                payee=payee,
                amount_ore=difference,
                due_date=next_bank_day(today()),
            )
            # Paid by the day's payment file like any decision (bistand.payments).
            create_supplementary_order(payment, actor=Actor.user(user))
        if kind == ReconsiderationKind.AFTER_REMAND:
            appeal.remand_resolved_on = today()
        elif fully_as_requested:
            appeal.status = AppealStatus.LAPSED
        appeal.save()
        record(
            "appeals.reconsidered",
            actor=Actor.user(user),
            case_id=decision.application.case_id,
            subject=f"appeal:{appeal.pk}",
            data={
                "kind": kind,
                "previous_amount_ore": previous,
                "new_amount_ore": new_amount_ore,
                "supplementary_payment": payment.pk if payment else None,
                "letter_sha256": reconsideration.letter_sha256,
            },
        )
        _tell_household(appeal)
    return reconsideration


def pending_supplementary_payments(user) -> QuerySet[SupplementaryPayment]:
    """Supplementary payments not yet paid in the cases the user sees, with their payment
    order: they go in the day's payment file (bistand.payments), and the bank's confirmation
    of that file marks them paid. No manual mark (docs/payments.md)."""
    from bistand.staff import access

    return (
        SupplementaryPayment.objects.filter(
            status=SupplementaryStatus.PENDING,
            decision__application__in=access.applications_visible_to(user),
        )
        .select_related(
            "decision__application__case",
            "reconsideration",
            "order__batch",
            "payee__payout_account",
        )
        .order_by("due_date", "pk")
    )


def _payee(decision: Decision) -> Person:
    from bistand.payments.models import PaymentOrder

    order = PaymentOrder.objects.filter(decision=decision).select_related("payee").first()
    if order is not None:
        return order.payee
    from bistand.cases.membership import confirmed_adults

    return confirmed_adults(decision.application)[0].person


def forward(appeal: Appeal, *, user, statement: str = "") -> Appeal:
    """Överlämnande (FL 46 §): the appeal with the case's documents as one PDF to
    förvaltningsrätten."""
    from bistand.letters.content import LetterError

    from . import letters

    with transaction.atomic():
        appeal = _locked(appeal)
        if appeal.status != AppealStatus.EXAMINED:
            raise AppealError(
                "Överklagandet ska vara rättidsprövat och inte redan avgjort för att kunna "
                "lämnas över."
            )
        if appeal.timeliness == Timeliness.LATE:
            raise AppealError(
                "Överklagandet kom in för sent och ska avvisas genom ett beslut, inte lämnas över."
            )
        appeal.statement = (statement or "").strip()[:5000]
        appeal.forwarded_on, appeal.forwarded_by = today(), user
        appeal.status = AppealStatus.FORWARDED
        try:
            pdf = letters.bundle_pdf(appeal)
        except LetterError as error:
            raise AppealError(
                f"Akten kan inte skapas eftersom beslutsbrevet inte kan skapas: {error}"
            ) from None
        appeal.bundle_pdf, appeal.bundle_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
        appeal.save()
        record(
            "appeals.forwarded",
            actor=Actor.user(user),
            case_id=appeal.case_id,
            subject=f"appeal:{appeal.pk}",
            data={
                "forwarded_on": str(appeal.forwarded_on),
                "due_on": str(appeal.forward_due_on) if appeal.forward_due_on else None,
                "bundle_sha256": appeal.bundle_sha256,
                "bytes": len(pdf),
            },
        )
        _tell_household(appeal)
    return appeal


def record_court_outcome(
    appeal: Appeal, *, user, outcome: str, decided_on: date, case_number: str = ""
) -> Appeal:
    if outcome not in CourtOutcome.values:
        raise AppealError("Välj domstolens avgörande.")
    with transaction.atomic():
        appeal = _locked(appeal)
        if appeal.status != AppealStatus.FORWARDED:
            raise AppealError("Domstolens avgörande registreras för ett överlämnat överklagande.")
        if decided_on < appeal.forwarded_on or decided_on > today():
            raise AppealError(
                "Dagen för domstolens avgörande måste vara efter överlämnandet och inte i "
                "framtiden."
            )
        appeal.court_outcome, appeal.court_decided_on = outcome, decided_on
        appeal.court_case_number = (case_number or "").strip()[:40]
        appeal.status = AppealStatus.COURT_DECIDED
        if outcome == CourtOutcome.REMANDED:
            appeal.remand_due_on = deadlines.time_limit_end(
                decided_on, days=parameters(decided_on).remand_new_decision_days
            )
        appeal.save()
        record(
            "appeals.court_outcome",
            actor=Actor.user(user),
            case_id=appeal.case_id,
            subject=f"appeal:{appeal.pk}",
            data={
                "outcome": outcome,
                "decided_on": str(decided_on),
                "remand_due_on": str(appeal.remand_due_on) if appeal.remand_due_on else None,
            },
        )
        _tell_household(appeal)
    return appeal


# --------------------------------------------------------------------------- reading


def appeals_of(application: Application) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(decision__application=application)
        .select_related("decision")
        .prefetch_related("attachments", "reconsiderations")
        .order_by("arrived_on", "pk")
    )


def visible_appeals(user) -> QuerySet[Appeal]:
    """Appeals of decisions in the applications the user sees, and of urgent decisions in the
    cases the user sees."""
    from bistand.staff import access

    return Appeal.objects.filter(
        Q(decision__application__in=access.applications_visible_to(user))
        | Q(urgent_decision__request__case__in=access.cases_visible_to(user))
    ).select_related("decision__application__case", "urgent_decision__request__case")


def urgent_appeals_of(urgent_decision) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(urgent_decision=urgent_decision)
        .select_related("urgent_decision__request")
        .prefetch_related("attachments")
        .order_by("arrived_on", "pk")
    )


@dataclass
class QueueRow:
    appeal: Appeal
    due_on: date | None
    days_left: int | None


def _rows(appeals, due) -> list[QueueRow]:
    now = today()
    rows = []
    for appeal in appeals:
        on = due(appeal)
        rows.append(QueueRow(appeal, on, (on - now).days if on else None))
    return rows


def queues(user) -> dict[str, list[QueueRow]]:
    """The clocks: to examine and to forward (days left of the forwarding clock), remanded
    awaiting a new decision (days left); and the lists without a clock: late appeals awaiting
    the dismissal decision, judgments that changed the decision awaiting execution."""
    seen = visible_appeals(user)
    examine_rows = _rows(
        seen.filter(status=AppealStatus.RECEIVED).order_by("arrived_on", "pk"),
        lambda a: deadlines.time_limit_end(
            a.arrived_on, days=parameters(a.arrived_on).forward_within_days
        ),
    )
    forward_rows = _rows(
        seen.filter(status=AppealStatus.EXAMINED)
        .exclude(timeliness=Timeliness.LATE)
        .order_by("forward_due_on", "pk"),
        lambda a: a.forward_due_on,
    )
    late_rows = _rows(
        seen.filter(status=AppealStatus.EXAMINED, timeliness=Timeliness.LATE).order_by(
            "arrived_on", "pk"
        ),
        lambda a: None,
    )
    remand_rows = _rows(
        seen.filter(court_outcome=CourtOutcome.REMANDED, remand_resolved_on__isnull=True).order_by(
            "remand_due_on", "pk"
        ),
        lambda a: a.remand_due_on,
    )
    judgment_rows = _rows(
        seen.filter(court_outcome=CourtOutcome.CHANGED)
        .exclude(reconsiderations__kind=ReconsiderationKind.COURT_JUDGMENT)
        .order_by("court_decided_on", "pk"),
        lambda a: None,
    )
    return {
        "examine": examine_rows,
        "forward": forward_rows,
        "late": late_rows,
        "remanded": remand_rows,
        "judgments": judgment_rows,
    }


def open_appeal_count(user) -> int:
    return (
        visible_appeals(user)
        .filter(
            Q(status__in=OPEN_FOR_EXAMINATION)
            | Q(court_outcome=CourtOutcome.REMANDED, remand_resolved_on__isnull=True)
        )
        .count()
    )
