"""The application's state machine.

    draft → awaiting_cosignature → submitted → robot_processing → proposal_ready → decided → paid
    plus completion_requested (the caseworker asks for more) and withdrawn.

``transition`` is the only way a state changes. It is a compare-and-swap: the
row is updated only if it is still in the state the caller saw, so two
concurrent transitions on the same application cannot both win; the loser
gets ``ConcurrentTransition``. Each change writes a ``Transition`` row and an
audit event in the same database transaction.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db import connections, transaction
from django.db.models import sql
from django.utils import timezone

from bistand.audit.services import record

from .models import Application, State
from .models import Transition as TransitionLog

ALLOWED: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.AWAITING_COSIGNATURE, State.SUBMITTED, State.WITHDRAWN}),
    State.AWAITING_COSIGNATURE: frozenset({State.SUBMITTED, State.DRAFT, State.WITHDRAWN}),
    State.SUBMITTED: frozenset({State.ROBOT_PROCESSING, State.WITHDRAWN}),
    # back to submitted: the robot gave up on this run and a later run will retry
    State.ROBOT_PROCESSING: frozenset({State.PROPOSAL_READY, State.SUBMITTED}),
    State.PROPOSAL_READY: frozenset(
        {State.DECIDED, State.COMPLETION_REQUESTED, State.ROBOT_PROCESSING, State.WITHDRAWN}
    ),
    State.COMPLETION_REQUESTED: frozenset({State.SUBMITTED, State.WITHDRAWN}),
    State.DECIDED: frozenset({State.PAID}),
    State.PAID: frozenset(),
    State.WITHDRAWN: frozenset(),
}


class IllegalTransition(Exception):
    """The state machine does not allow this change."""


class ConcurrentTransition(Exception):
    """Someone else changed the application's state first."""


def transition(
    application: Application,
    to_state: str,
    *,
    actor: str,
    reason: str = "",
    from_state: str | None = None,
    extra: dict | None = None,
) -> Application:
    """Move ``application`` from ``from_state`` (default: its current state) to ``to_state``.

    ``extra`` are more fields to set in the same update (e.g. ``submitted_at``).
    """
    source = from_state or application.state
    if to_state not in ALLOWED[source]:
        raise IllegalTransition(
            f"Ansökan {application.pk} kan inte gå från {State(source).label} till "
            f"{State(to_state).label}."
        )
    now = timezone.now()
    fields = {"state": to_state, "state_changed_at": now, **(extra or {})}
    reason = reason[:500]
    # In the caller's transaction without a savepoint of its own (fewer statements): the
    # compare-and-swap is decided before anything is written, and ConcurrentTransition is
    # raised after the block, so a caller that catches it can go on.
    with transaction.atomic(savepoint=False):
        swapped = _swap_and_log(application, source, to_state, fields, actor, reason, now)
        if swapped:
            record(
                "application.transition",
                actor=actor,
                case_id=application.case_id,
                subject=f"application:{application.pk}",
                data={"from": source, "to": to_state, "reason": reason},
            )
    if not swapped:
        raise ConcurrentTransition(
            f"Ansökan {application.pk} var inte längre {State(source).label}; "
            "någon annan hann ändra den först."
        )
    for name, value in fields.items():
        setattr(application, name, value)
    return application


def transition_many(
    applications: list[Application],
    to_state: str,
    *,
    actor: str,
    from_state: str,
    reason: str = "",
    extra: dict | None = None,
) -> None:
    """``transition`` for many applications at once (the robot's batches): one UPDATE, their
    log rows in one INSERT, an audit event each.

    All or nothing: if any of them was no longer in ``from_state``, ``ConcurrentTransition``
    is raised inside the caller's transaction, which must then roll back (nothing is kept).
    """
    if not applications:
        return
    if to_state not in ALLOWED[from_state]:
        raise IllegalTransition(
            f"Ansökningar kan inte gå från {State(from_state).label} till {State(to_state).label}."
        )
    now = timezone.now()
    fields = {"state": to_state, "state_changed_at": now, **(extra or {})}
    reason = reason[:500]
    keys = [application.pk for application in applications]
    with transaction.atomic(savepoint=False):
        moved = Application.objects.filter(pk__in=keys, state=from_state).update(**fields)
        if moved != len(set(keys)):
            raise ConcurrentTransition(
                f"{len(set(keys)) - moved} av ansökningarna var inte längre "
                f"{State(from_state).label}; någon annan hann ändra dem först."
            )
        TransitionLog.objects.bulk_create(
            TransitionLog(
                application=application,
                from_state=from_state,
                to_state=to_state,
                at=now,
                actor=actor,
                reason=reason,
            )
            for application in applications
        )
        for application in applications:
            record(
                "application.transition",
                actor=actor,
                case_id=application.case_id,
                subject=f"application:{application.pk}",
                data={"from": from_state, "to": to_state, "reason": reason},
            )
    for application in applications:
        for name, value in fields.items():
            setattr(application, name, value)


def _swap_and_log(
    application: Application,
    source: str,
    to_state: str,
    fields: dict,
    actor: str,
    reason: str,
    now,
) -> bool:
    """The compare-and-swap and its ``Transition`` row: True if the state was ``source``.

    On PostgreSQL one statement (the UPDATE in a data-modifying CTE whose row, if any, the
    INSERT of the log row reads); elsewhere the UPDATE and, if it matched, the INSERT."""
    rows = Application.objects.filter(pk=application.pk, state=source)
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        if rows.update(**fields) != 1:
            return False
        TransitionLog.objects.create(
            application=application,
            from_state=source,
            to_state=to_state,
            at=now,
            actor=actor,
            reason=reason,
        )
        return True
    query = rows.query.chain(sql.UpdateQuery)
    query.add_update_values(fields)
    update_sql, update_params = query.get_compiler(rows.db).as_sql()
    quote = connection.ops.quote_name
    log = TransitionLog._meta
    columns = ", ".join(
        quote(log.get_field(name).column)
        for name in ("application", "from_state", "to_state", "at", "actor", "reason")
    )
    pk = quote(Application._meta.pk.column)
    statement = (
        f"WITH swapped AS ({update_sql} RETURNING {pk}) "  # noqa: S608 - compiled by the ORM
        f"INSERT INTO {quote(log.db_table)} ({columns}) "
        f"SELECT {pk}, %s, %s, %s, %s, %s FROM swapped"
    )
    at = log.get_field("at").get_db_prep_value(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(statement, [*update_params, source, to_state, at, actor, reason])
        return cursor.rowcount == 1


def time_in_states(application: Application, now=None) -> dict[str, timedelta]:
    """The clock per state: how long the application has spent in each state so far."""
    now = now or timezone.now()
    clock: dict[str, timedelta] = defaultdict(timedelta)
    log = list(application.transitions.order_by("at", "pk"))
    started = application.created_at
    state = State.DRAFT if not log else log[0].from_state
    for entry in log:
        clock[state] += max(entry.at - started, timedelta(0))
        state, started = entry.to_state, entry.at
    clock[state] += max(now - started, timedelta(0))
    return dict(clock)
