"""The exchange itself: send a queued notice to Arbetsförmedlingen, fetch AF's notices and store
them once, match them to persons we already know. Called by the tasks (tasks.py) and the
command ``bistand af_exchange``; never by a view.

Retries come in two layers. Each run calls AF a few times with a short pause
(``REGISTER_ATTEMPTS``, as the register queries); a sending run that still fails is run again
later by its task, after ``AF_EXCHANGE_RETRY_SECONDS``, then twice that, and so on, at most
``AF_EXCHANGE_MAX_ATTEMPTS`` runs; then the notice is *failed* and shown to staff. A fetch that
fails leaves the cursor where it was; the next poll asks again from there.

Every exchange is audited with its purpose. Audit texts and log lines name notices by id,
never a person by personnummer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bistand.audit.payload import looks_like_personnummer
from bistand.audit.services import Actor, record
from bistand.cases.models import Municipality, Person
from bistand.connectors.exchanges.af import (
    AfExchangeError,
    IncomingAfNotice,
    NotConfigured,
    get_exchange,
)

from .models import AfExchangeCursor, AfNotice, OutgoingAfNotice, OutgoingStatus
from .services import PURPOSE_INCOMING, PURPOSE_OUTGOING, case_id_of

log = logging.getLogger(__name__)

SYSTEM = Actor.system("af-exchange")
#: Pages fetched in one poll at most (each up to PAGE_SIZE notices); the rest come next turn.
MAX_PAGES = 20
PAGE_SIZE = 100
#: The reason shown when the production adapter has no transport yet (docs/af_exchange.md).
NOT_CONNECTED = (
    "Utbytet med Arbetsförmedlingen är inte anslutet i produktion (AF_EXCHANGE_GATEWAY): "
    "se docs/af_exchange.md"
)


def conf(name: str):
    """One of the AF_EXCHANGE_* settings (bistand/settings.py reads them from the environment)."""
    return getattr(settings, name)


def exchange():
    return get_exchange((PURPOSE_OUTGOING, PURPOSE_INCOMING))


def _safe(reference: str) -> str:
    """AF's reference for the audit log, unless it could be read as a personnummer."""
    return "" if looks_like_personnummer(reference) else reference


# --- sending ---------------------------------------------------------------------------------


def municipality_for(person: Person) -> Municipality | None:
    """The municipality whose nämnd sends the person's notice: the one of their case, or the
    only municipality with a kommunkod."""
    from bistand.cases.membership import cases_of

    cases = cases_of(person)
    if cases and cases[0].municipality.kommunkod:
        return cases[0].municipality
    coded = list(Municipality.objects.exclude(kommunkod="")[:2])
    return coded[0] if len(coded) == 1 else None


def message_id(outgoing: OutgoingAfNotice, kommunkod: str) -> str:
    """Stable across retries, so AF stores the notice once however often it is sent."""
    return f"bistand-{kommunkod}-{outgoing.pk}"


@dataclass
class SendOutcome:
    status: str  # "sent", "retry", "failed", "nothing to do"
    reason: str = ""


def send(outgoing_id: int) -> SendOutcome:
    """One sending run for a queued notice (the task's body)."""
    outgoing = OutgoingAfNotice.objects.select_related("person").filter(pk=outgoing_id).first()
    if outgoing is None or outgoing.status != OutgoingStatus.QUEUED:
        return SendOutcome("nothing to do")
    municipality = municipality_for(outgoing.person)
    if municipality is None:
        return _failed_run(outgoing, "kommunkod saknas: ange kommunens kommunkod", final=True)
    adapter = exchange()
    try:
        receipt = adapter.send_notice(
            message_id=message_id(outgoing, municipality.kommunkod),
            personnummer=outgoing.person.personnummer,
            kommunkod=municipality.kommunkod,
            month=outgoing.month,
            reason=outgoing.reason,
        )
    except AfExchangeError as error:
        return _failed_run(outgoing, str(error), final=not error.retry)
    except NotConfigured:
        return _failed_run(outgoing, NOT_CONNECTED, final=True)
    finally:
        adapter.close()
    now = timezone.now()
    with transaction.atomic():
        OutgoingAfNotice.objects.filter(pk=outgoing.pk).update(
            status=OutgoingStatus.SENT,
            sent_at=now,
            attempts=outgoing.attempts + 1,
            reference=receipt.reference[:64],
            last_error="",
            next_attempt_at=None,
        )
        record(
            "af_exchange.sent",
            actor=SYSTEM,
            case_id=case_id_of(outgoing.person),
            subject=f"af_outgoing:{outgoing.pk}",
            data={
                "purpose": PURPOSE_OUTGOING,
                "month": outgoing.month,
                "reference": _safe(receipt.reference),
                "attempts": outgoing.attempts + 1,
            },
        )
    log.info("af exchange: outgoing notice %s sent", outgoing.pk)
    return SendOutcome("sent")


def _failed_run(outgoing: OutgoingAfNotice, reason: str, *, final: bool) -> SendOutcome:
    attempts = outgoing.attempts + 1
    final = final or attempts >= conf("AF_EXCHANGE_MAX_ATTEMPTS")
    now = timezone.now()
    wait = timedelta(seconds=conf("AF_EXCHANGE_RETRY_SECONDS") * 2 ** (attempts - 1))
    with transaction.atomic():
        OutgoingAfNotice.objects.filter(pk=outgoing.pk).update(
            status=OutgoingStatus.FAILED if final else OutgoingStatus.QUEUED,
            attempts=attempts,
            last_error=reason[:300],
            next_attempt_at=None if final else now + wait,
        )
        record(
            "af_exchange.send_failed" if final else "af_exchange.send_retry",
            actor=SYSTEM,
            case_id=case_id_of(outgoing.person),
            subject=f"af_outgoing:{outgoing.pk}",
            data={
                "purpose": PURPOSE_OUTGOING,
                "month": outgoing.month,
                "attempts": attempts,
                "reason": reason[:300],
            },
        )
    if final:
        log.warning("af exchange: outgoing notice %s failed after %s runs", outgoing.pk, attempts)
        return SendOutcome("failed", reason)
    from .tasks import enqueue_send

    enqueue_send(outgoing.pk, run_after=now + wait)
    log.info(
        "af exchange: outgoing notice %s run %s failed; again in %s", outgoing.pk, attempts, wait
    )
    return SendOutcome("retry", reason)


def resend(outgoing: OutgoingAfNotice, *, actor: str) -> OutgoingAfNotice:
    """Staff send a failed notice again (the failed-sends page): queued, attempts from zero."""
    with transaction.atomic():
        updated = OutgoingAfNotice.objects.filter(
            pk=outgoing.pk, status=OutgoingStatus.FAILED
        ).update(status=OutgoingStatus.QUEUED, attempts=0, next_attempt_at=None)
        if updated:
            record(
                "af_exchange.resend",
                actor=actor,
                case_id=case_id_of(outgoing.person),
                subject=f"af_outgoing:{outgoing.pk}",
                data={"purpose": PURPOSE_OUTGOING, "month": outgoing.month},
            )
    if updated:
        from .tasks import enqueue_send

        transaction.on_commit(lambda: enqueue_send(outgoing.pk))
    outgoing.refresh_from_db()
    return outgoing


# --- fetching --------------------------------------------------------------------------------


@dataclass
class PollResult:
    stored: int = 0
    again: int = 0  # notices we already had (AF sent them twice)
    unmatched: int = 0
    matched_later: int = 0
    errors: list[str] = field(default_factory=list)


def store(notice: IncomingAfNotice) -> tuple[AfNotice, bool]:
    """Store AF's notice once (its reference is unique); match it only to a person we already
    know, never create one. Returns the row and whether it is new."""
    existing = AfNotice.objects.filter(reference=notice.reference).first()
    if existing is not None:
        return existing, False
    person = Person.objects.filter(personnummer=notice.personnummer).first()
    try:
        with transaction.atomic():
            row = AfNotice.objects.create(
                reference=notice.reference,
                person=person,
                unmatched_personnummer="" if person else notice.personnummer,
                kind=notice.kind,
                full_time=notice.full_time,
                period_start=notice.period_start,
                period_end=notice.period_end,
                issued_at=notice.issued_at,
                payload=notice.minimised(),
            )
            record(
                "af_exchange.received",
                actor=SYSTEM,
                case_id=case_id_of(person) if person else None,
                subject=f"af_notice:{row.pk}",
                data={
                    "purpose": PURPOSE_INCOMING,
                    "kind": notice.kind,
                    "reference": _safe(notice.reference),
                    "matched": person is not None,
                },
            )
    except IntegrityError:  # another worker stored the same notice a moment ago
        return AfNotice.objects.get(reference=notice.reference), False
    return row, True


def rematch() -> int:
    """Unmatched notices whose person has become known since (they applied, say)."""
    matched = 0
    for notice in AfNotice.objects.filter(person__isnull=True).exclude(unmatched_personnummer=""):
        person = Person.objects.filter(personnummer=notice.unmatched_personnummer).first()
        if person is None:
            continue
        with transaction.atomic():
            AfNotice.objects.filter(pk=notice.pk, person__isnull=True).update(
                person=person, unmatched_personnummer=""
            )
            record(
                "af_exchange.matched",
                actor=SYSTEM,
                case_id=case_id_of(person),
                subject=f"af_notice:{notice.pk}",
                data={"purpose": PURPOSE_INCOMING, "kind": notice.kind},
            )
        matched += 1
    return matched


def poll() -> PollResult:
    """Fetch AF's new notices for every municipality with a kommunkod, then rematch."""
    result = PollResult()
    for municipality in Municipality.objects.exclude(kommunkod="").order_by("pk"):
        _poll_municipality(municipality, result)
    result.matched_later = rematch()
    return result


def _poll_municipality(municipality: Municipality, result: PollResult) -> None:
    state, _ = AfExchangeCursor.objects.get_or_create(municipality=municipality)
    adapter = exchange()
    try:
        for _ in range(MAX_PAGES):
            state.last_attempt_at = timezone.now()
            try:
                page = adapter.fetch_notices(
                    kommunkod=municipality.kommunkod, cursor=state.cursor, limit=PAGE_SIZE
                )
            except (AfExchangeError, NotConfigured) as error:
                reason = NOT_CONNECTED if isinstance(error, NotConfigured) else str(error)
                _fetch_failed(state, reason)
                result.errors.append(reason)
                return
            with transaction.atomic():
                for notice in page.notices:
                    row, new = store(notice)
                    if not new:
                        result.again += 1
                        continue
                    result.stored += 1
                    result.unmatched += row.person_id is None
                state.cursor = page.cursor
                state.last_success_at = timezone.now()
                state.last_error = ""
                state.failures_in_a_row = 0
                state.save()
            if len(page.notices) < PAGE_SIZE:
                break
    finally:
        adapter.close()


def _fetch_failed(state: AfExchangeCursor, reason: str) -> None:
    with transaction.atomic():
        state.last_error = reason[:300]
        state.failures_in_a_row += 1
        state.save()
        record(
            "af_exchange.fetch_failed",
            actor=SYSTEM,
            subject=f"af_cursor:{state.pk}",
            data={
                "purpose": PURPOSE_INCOMING,
                "reason": reason[:300],
                "failures_in_a_row": state.failures_in_a_row,
            },
        )
    log.warning("af exchange: fetching failed (%s in a row): %s", state.failures_in_a_row, reason)
