"""The audit log's public API: record events, record case access, verify the chain.

    from bistand.audit.services import Actor, record, record_access, verify_chain

    record("application.transition", actor=Actor.user(request.user), case_id=case.pk,
           subject=f"application:{application.pk}", data={"from": "submitted", "to": "in_review"})

Call ``record`` inside the transaction that makes the change it describes, as its last write:
the event commits or rolls back with the change, and the chain lock it takes is held until
that transaction ends, so the shorter the rest of the transaction, the less others wait.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from bistand.audit import payload
from bistand.audit.chain import GENESIS_HASH, canonical_json, chain_hash, event_content
from bistand.audit.models import HEAD_ID, AuditChainHead, AuditEvent

ACCESS_ACTION = "case.opened"
_deferred = threading.local()
VERIFY_CHUNK_SIZE = 2000
_listeners: dict[str, list[Callable[[AuditEvent], None]]] = {}


def on_commit_of(action: str, listener: Callable[[AuditEvent], None]) -> None:
    """Call ``listener(event)`` after the transaction that recorded an ``action`` event has
    committed (never if it rolls back; a listener that raises is logged and does not harm the
    change). For consequences outside the case, e.g. notifications; registered from an
    AppConfig.ready(), once per listener."""
    payload.check_action(action)
    listeners = _listeners.setdefault(action, [])
    if listener not in listeners:
        listeners.append(listener)


class AuditChainError(Exception):
    """The chain cannot be appended to: its head and its events disagree."""


class Actor:
    """Who did something, as the text stored in ``AuditEvent.actor``."""

    @staticmethod
    def system(name: str) -> str:
        """``system:<name>``, e.g. ``Actor.system("robot")`` or
        ``Actor.system("automated-decision:1.0.0")``."""
        if not isinstance(name, str) or not name.strip() or any(c.isspace() for c in name):
            raise ValueError("a system actor needs a name without spaces, e.g. 'robot'")
        return payload.check_actor(f"system:{name}")

    @staticmethod
    def applicant(person: Any) -> str:
        """``applicant:<person pk>``: an applicant logged in with e-legitimation (never the
        personnummer)."""
        if person is None or person.pk is None:
            raise ValueError("an applicant actor needs a saved person")
        return payload.check_actor(f"applicant:{person.pk}")

    @staticmethod
    def user(user: Any) -> str:
        """``user:<pk>:<username>``; just ``user:<pk>`` if the username looks like a
        personnummer (as it may when staff log in with e-ID)."""
        if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
            raise ValueError("an audit actor must be a logged-in user")
        username = user.get_username()
        if (
            not username
            or payload.looks_like_personnummer(username)
            or len(username) > payload.MAX_ACTOR_LENGTH - 40
        ):
            return f"user:{user.pk}"
        return payload.check_actor(f"user:{user.pk}:{username}")


def record(
    action: str,
    *,
    actor: str,
    case_id: int | None = None,
    subject: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent | None:
    """Append one event to the audit log and return it.

    Raises ``ValueError`` before writing anything if the event is malformed or its text looks
    like it holds a personnummer. Runs in the caller's transaction (or a transaction of its
    own), so the event commits or rolls back with the caller's change; if appending fails, the
    caller's transaction cannot go on (no savepoint of its own: two statements fewer).

    Inside ``deferred()`` the event is checked now and appended when the block ends (and
    ``None`` is returned).
    """
    payload.check_action(action)
    payload.check_actor(actor)
    case_id = payload.check_case_id(case_id)
    payload.check_text("subject", subject, max_length=payload.MAX_SUBJECT_LENGTH)
    # Stored exactly as hashed: tuples become lists, so what comes back from the JSON column
    # gives the same canonical text.
    data = json.loads(canonical_json(payload.check_data(data)))
    entry = (action, actor, case_id, subject, data)
    pending = getattr(_deferred, "events", None)
    if pending is not None:
        pending.append(entry)
        return None
    return _append([entry])[0]


@contextmanager
def deferred() -> Iterator[None]:
    """Collect the events recorded in the block and append them together at its end.

    For a transaction that records several events: the chain head is locked once, at the end,
    and the events are inserted in one statement, so the lock is held for the shortest time.
    Use it inside the transaction the events describe; if the block raises, nothing is
    appended.
    """
    if getattr(_deferred, "events", None) is not None:
        yield  # already collecting: the outer block appends
        return
    _deferred.events = []
    try:
        yield
        events, _deferred.events = _deferred.events, None
        if events:
            _append(events)
    finally:
        _deferred.events = None


def _append(entries: list[tuple[str, str, int | None, str, dict[str, Any]]]) -> list[AuditEvent]:
    # Inside the caller's transaction no savepoint of its own (two statements fewer per
    # append): if the append fails, the caller's whole transaction rolls back with it, which is
    # what the caller's change needs anyway (a change is never kept without its event).
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        broken = head.sequence == 0 and AuditEvent.objects.exists()
        if not broken:
            events = _write(head, entries)
    if broken:  # raised outside the block: the caller's transaction is left usable
        raise AuditChainError(
            "Granskningskedjans huvud står på noll men loggen har händelser: "
            "kör `bistand audit verify` och utred innan något mer loggas."
        )
    return events


def _write(
    head: AuditChainHead, entries: list[tuple[str, str, int | None, str, dict[str, Any]]]
) -> list[AuditEvent]:
    created_at = timezone.now()
    sequence, previous = head.sequence, head.hash
    events = []
    for action, actor, case_id, subject, data in entries:
        sequence += 1
        content = event_content(
            sequence=sequence,
            created_at=created_at,
            actor=actor,
            action=action,
            case_id=case_id,
            subject=subject,
            data=data,
        )
        digest = chain_hash(previous, content)
        events.append(
            AuditEvent(
                sequence=sequence,
                created_at=created_at,
                actor=actor,
                action=action,
                case_id=case_id,
                subject=subject,
                data=data,
                prev_hash=previous,
                hash=digest,
            )
        )
        previous = digest
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(events)
    for event in events:
        for listener in _listeners.get(event.action, ()):
            transaction.on_commit(lambda e=event, f=listener: f(e), robust=True)
    # The head moves once, to the batch's last event; a database trigger insists that it
    # only moves forward and onto an event written with that hash (migration 0003).
    AuditChainHead.objects.filter(pk=HEAD_ID).update(
        sequence=events[-1].sequence, hash=events[-1].hash
    )
    return events


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the surrounding transaction ends.

    On PostgreSQL ``SELECT ... FOR UPDATE`` makes appenders take turns. On SQLite the lock is
    the write lock that the project's IMMEDIATE transactions take when they begin; the head is
    still read here, inside the transaction. Either way, the unique ``sequence`` column would
    refuse a fork if the lock ever failed.
    """
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is None:
        # First event ever (or the first after a test flush). Two first appenders may race
        # here: ignore_conflicts lets the second wait for the first and then lock its row.
        AuditChainHead.objects.bulk_create([AuditChainHead(pk=HEAD_ID)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)
    return head


def record_access(user: Any, *, case_id: int, purpose: str, view: str = "") -> AuditEvent:
    """Log that ``user`` opened case ``case_id`` (action ``case.opened``), and why.

    The access log that lag (2001:454) om behandling av personuppgifter inom socialtjänsten
    expects: who read which case, when, for what purpose, in which view.
    """
    if payload.check_case_id(case_id) is None:
        raise ValueError("record_access needs the case_id of the case opened")
    payload.check_text("purpose", purpose, max_length=200, allow_empty=False)
    payload.check_text("view", view, max_length=200)
    return record(
        ACCESS_ACTION,
        actor=Actor.user(user),
        case_id=case_id,
        subject=f"case:{case_id}",
        data={"purpose": purpose, "view": view},
    )


@dataclass(frozen=True)
class VerifyResult:
    """What ``verify_chain`` found.

    ``first_broken_id`` is the database id of the first event that fails (None if the chain is
    intact, or if what is missing is the newest events, which have no row left to point at);
    ``first_broken_sequence`` is the event number the Swedish ``reason`` talks about.
    """

    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""
    first_broken_sequence: int | None = None
    last_sequence: int = 0
    last_hash: str = GENESIS_HASH


def verify_chain(anchor: tuple[int, str] | None = None) -> VerifyResult:
    """Recompute every event's hash in sequence order and check the links and the head.

    Streams the events (constant memory) and stops at the first break. Events appended while it
    runs are checked if they are already visible, and never reported as a break.

    ``anchor``: a ``(sequence, hash)`` head exported earlier (``bistand audit head``). The event
    with that number must still have that hash; if it does not, the log was rewritten, however
    consistent the rewritten chain is.
    """
    head_before = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    checked = 0
    last_id: int | None = None
    prev_hash = GENESIS_HASH
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=VERIFY_CHUNK_SIZE)
    for event in events:
        number = checked + 1
        if event.sequence != number:
            return _broken(checked, event.id, number, f"händelse {number} saknas")
        if event.computed_hash() != event.hash:
            return _broken(
                checked,
                event.id,
                number,
                f"händelse {number}: hashvärdet stämmer inte – innehållet har ändrats",
            )
        if event.prev_hash != prev_hash:
            return _broken(
                checked,
                event.id,
                number,
                f"händelse {number}: länken till händelse {number - 1} stämmer inte – "
                "en tidigare händelse har ändrats, tagits bort eller flyttats",
            )
        checked = number
        last_id = event.id
        prev_hash = event.hash
    result = _check_head(checked, last_id, prev_hash, head_before)
    if result.ok and anchor is not None:
        return _check_anchor(result, *anchor)
    return result


def _check_anchor(result: VerifyResult, sequence: int, expected_hash: str) -> VerifyResult:
    if sequence > result.last_sequence:
        return _broken(
            result.checked,
            None,
            result.last_sequence + 1,
            f"händelse {result.last_sequence + 1} saknas – loggen slutar vid "
            f"{result.last_sequence} men det exporterade huvudet står på {sequence}",
        )
    event = AuditEvent.objects.only("id", "hash").get(sequence=sequence)
    if event.hash != expected_hash.lower():
        return _broken(
            sequence - 1,
            event.id,
            sequence,
            f"händelse {sequence}: hashvärdet stämmer inte med det exporterade huvudet – "
            "loggen har skrivits om",
        )
    return result


def _check_head(
    last: int, last_id: int | None, last_hash: str, head_before: AuditChainHead | None
) -> VerifyResult:
    """Compare the last event with the head, which ``record`` moves with every event.

    Only the head shows that the newest events are gone. It is read before the events and
    again after, so an event appended in between is not mistaken for a break.
    """
    if head_before is None:
        if last == 0:
            return VerifyResult(ok=True, checked=0)
        return _broken(last, None, None, "kedjans huvud saknas men loggen har händelser")
    if last < head_before.sequence:
        return _broken(
            last,
            None,
            last + 1,
            f"händelse {last + 1} saknas – loggen slutar vid {last} men kedjans huvud står på "
            f"{head_before.sequence}",
        )
    head = head_before
    if last > head_before.sequence:
        head = AuditChainHead.objects.get(pk=HEAD_ID)
        if last > head.sequence:
            number = head.sequence + 1
            event = AuditEvent.objects.get(sequence=number)
            return _broken(
                head.sequence,
                event.id,
                number,
                f"händelse {number} ligger efter kedjans huvud – den är inte skriven av "
                "granskningsloggen",
            )
    if last == head.sequence and last_hash != head.hash:
        return _broken(
            last - 1,
            last_id,
            last,
            f"händelse {last}: hashvärdet stämmer inte med kedjans huvud – den senaste "
            "händelsen har bytts ut",
        )
    return VerifyResult(ok=True, checked=last, last_sequence=last, last_hash=last_hash)


def _broken(checked: int, event_id: int | None, sequence: int | None, reason: str) -> VerifyResult:
    return VerifyResult(
        ok=False,
        checked=checked,
        first_broken_id=event_id,
        reason=reason,
        first_broken_sequence=sequence,
    )
