"""When the robot cannot finish an application: bounded retries, then a person takes over.

Nothing ever jams. A run that fails is recorded (``RobotFailure``: the technical detail, for
the log and the audit trail, never a personnummer) and then either

* **retried** — a fault that may pass (anything unexpected: a database hiccup, a register
  service that broke off): the application stays ``robot_processing`` with no lease and its
  task is queued again, at most ``settings.ROBOT_MAX_ATTEMPTS`` runs in a round; or
* **handed over** — a fault that another run cannot mend (a month without parameters, a
  calculation the rules engine refuses, a misconfigured register gateway), or the last of the
  attempts: the application goes to ``proposal_ready`` with a proposal *without a
  calculation* whose one flag says in plain Swedish what is missing and what to do. It is in
  the caseworker's queues ("Att besluta", "Flaggade", "Kunde inte beräknas") at once.

A round starts when the application's proposal was last written (or at the first run); a
resumed run after a worker died counts as an attempt too, so a run that kills its worker
cannot loop for ever either.

A proposal without a calculation cannot be decided as it stands (a decision reads an archived
calculation). The caseworker can ask for completion, write in the journal, or — once the
cause is mended — press "Beräkna igen" (``recalculate``); the worker also queues again, by
itself, those that waited for a month's parameters once the parameters are there
(``requeue_where_parameters_exist``).
"""

from __future__ import annotations

import logging
import re
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from bistand.audit.services import Actor, record
from bistand.audit.services import deferred as audit_deferred
from bistand.cases.models import Application, State
from bistand.cases.states import ConcurrentTransition, transition
from bistand.decisions import services as decisions
from bistand.decisions.models import Proposal, Route
from bistand.rules.errors import InputError, MissingParameterError, RulesError
from bistand.rules.explain import month_sv

from .models import RobotFailure

log = logging.getLogger(__name__)

ROBOT = Actor.system("robot")

#: The flags a handover can carry (code → label in the queues' flag filter).
FLAG_LABELS = {
    "MISSING_PARAMETER": "Belopp saknas för månaden",
    "CALCULATION_ERROR": "Kunde inte beräknas",
    "REGISTER_CONFIGURATION": "Registerkopplingen är felinställd",
    "ROBOT_ERROR": "Roboten kunde inte handlägga",
}
ROUTE_REASON = {
    "code": "ROBOT_STOPPED",
    "message": "Roboten kunde inte göra klart beslutsförslaget; se flaggan.",
}

#: What a table's values are called, for the flag's first sentence.
TABLE_NAMES_SV = {"national.price_base_amount": "Prisbasbeloppet"}
TABLE_ID = re.compile(r"\b((?:riksnorm|national|local)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)")
# A personnummer or samordningsnummer, 10 or 12 digits, with or without a separator.
PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
CONFIGURATION_ERRORS: tuple[type[BaseException], ...] = (ImproperlyConfigured,)


def max_attempts() -> int:
    return max(1, int(getattr(settings, "ROBOT_MAX_ATTEMPTS", 3)))


def scrub(text: str) -> str:
    """Technical detail fit for the log and the audit trail: no personnummer, one line."""
    return PERSONAL_NUMBER.sub("[personnummer]", " ".join(str(text).split()))[:500]


@dataclass(frozen=True)
class Failure:
    """What went wrong, for people (``flag``) and for the log (``kind``, ``detail``)."""

    kind: str  # missing_parameter | calculation | configuration | unexpected | interrupted
    stage: str
    detail: str
    permanent: bool  # another run would fail the same way
    tables: tuple[str, ...] = ()


def classify(exc: BaseException, stage: str) -> Failure:
    detail = scrub(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, MissingParameterError):
        tables = tuple(dict.fromkeys(TABLE_ID.findall(str(exc))))
        return Failure("missing_parameter", stage, detail, True, tables)
    if isinstance(exc, RulesError):
        return Failure("calculation", stage, detail, True)
    if isinstance(exc, CONFIGURATION_ERRORS):
        return Failure("configuration", stage, detail, True)
    return Failure("unexpected", stage, detail, False)


def flag(failure: Failure, application: Application, exc: BaseException | None = None) -> dict:
    """The one flag of a handed-over application: what is missing, and what to do."""
    month = month_sv(application.month)
    evidence = {"stage": failure.stage, "month": application.month}
    if failure.kind == "missing_parameter":
        # The rules engine stops at the first table it lacks; a riksnorm table missing means
        # the month's riksnorm is not entered, which is how the administrator thinks of it.
        names = list(
            dict.fromkeys(
                "Riksnormen" if t.startswith("riksnorm.") else TABLE_NAMES_SV.get(t, t)
                for t in failure.tables
            )
        )
        what = _joined(names) if names else "Beloppen"
        done = "inlagd" if len(names) == 1 else "inlagda"
        message = (
            f"{what} för {month} är inte {done}. "
            "Administratören lägger in beloppen; sedan beräknar roboten ärendet igen av sig "
            "själv (eller tryck Beräkna igen). Till dess kan förslaget inte beslutas här: "
            "begär komplettering om något annat saknas."
        )
        return {
            "code": "MISSING_PARAMETER",
            "message": message,
            "evidence": {**evidence, "parameters": list(failure.tables)},
        }
    if failure.kind == "calculation":
        reason = exc.message if isinstance(exc, InputError) else str(exc)
        return {
            "code": "CALCULATION_ERROR",
            "message": (
                f"Ansökan kunde inte beräknas: {scrub(reason)} Kontrollera uppgifterna i "
                "ansökan och begär komplettering av den sökande om något saknas eller är fel; "
                "den nya omgången beräknas då igen."
            ),
            "evidence": evidence,
        }
    if failure.kind == "configuration":
        return {
            "code": "REGISTER_CONFIGURATION",
            "message": (
                "Registeruppgifterna kunde inte hämtas: kopplingen till registren är "
                "felinställd. Administratören rättar inställningen; tryck sedan Beräkna igen."
            ),
            "evidence": evidence,
        }
    return {
        "code": "ROBOT_ERROR",
        "message": (
            f"Roboten kunde inte handlägga ansökan efter {max_attempts()} försök (ett oväntat "
            "fel, som är loggat för administratören). Tryck Beräkna igen när felet är "
            "åtgärdat, eller begär komplettering om något i ansökan behöver ändras."
        ),
        "evidence": evidence,
    }


def _joined(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    rest = [n if "." in n else n[0].lower() + n[1:] for n in names[1:]]
    return ", ".join([names[0], *rest[:-1]]) + f" och {rest[-1]}"


# --------------------------------------------------------------------------- attempts


def attempts_in_round(application: Application) -> int:
    """Failed or interrupted runs since the application's proposal was last written."""
    failures = RobotFailure.objects.filter(application_id=application.pk)
    since = (
        Proposal.objects.filter(application_id=application.pk)
        .values_list("created_at", flat=True)
        .first()
    )
    if since is not None:
        failures = failures.filter(at__gt=since)
    return failures.count()


def record_interrupted(application: Application, worker: str) -> int:
    """A resumed run: the one before it died without a word. Returns the attempts so far."""
    RobotFailure.objects.create(
        application=application,
        worker=worker,
        stage="okänt",
        kind="interrupted",
        detail="föregående körning avbröts (arbetaren stoppades eller dog)",
    )
    return attempts_in_round(application)


# --------------------------------------------------------------------------- a failed run


def failed(application: Application, exc: BaseException, stage: str, worker: str) -> str:
    """Record a failed run, then retry it or hand it over. Returns the task's result."""
    failure = classify(exc, stage)
    attempt = 0
    with transaction.atomic():
        RobotFailure.objects.create(
            application=application,
            worker=worker,
            stage=stage,
            kind=failure.kind,
            detail=failure.detail,
            where=scrub(_where(exc)),
        )
        attempt = attempts_in_round(application)
        retry = not failure.permanent and attempt < max_attempts()
        record(
            "robot.failed",
            actor=ROBOT,
            case_id=application.case_id,
            subject=f"application:{application.pk}",
            data={
                "stage": stage,
                "kind": failure.kind,
                "detail": failure.detail,
                "attempt": attempt,
                "max_attempts": max_attempts(),
                "next": "retry" if retry else "caseworker",
            },
        )
        if retry:
            # Stays with the robot, lease released: the queued task (or a later sweep) takes it.
            Application.objects.filter(pk=application.pk, robot_worker=worker).update(
                robot_lease_until=None
            )
    if retry:
        log.warning(
            "robot: application %s failed (%s, attempt %s of %s), retrying: %s",
            application.pk,
            stage,
            attempt,
            max_attempts(),
            failure.detail,
        )
        from .tasks import enqueue

        transaction.on_commit(lambda: enqueue(application.pk))
        return "retry"
    return hand_over(application, failure, exc)


def hand_over(application: Application, failure: Failure, exc: BaseException | None) -> str:
    """To a caseworker: a proposal without a calculation, flagged with what to do."""
    item = flag(failure, application, exc)
    try:
        _write_handover(application, failure, item)
    except (IntegrityError, ConcurrentTransition):
        # Another run of the same application finished first: nothing of ours is kept.
        log.info("robot: application %s was finished by another run", application.pk)
        return "lost-race"
    log.error(
        "robot: application %s to a caseworker, not calculated (%s): %s",
        application.pk,
        item["code"],
        failure.detail,
    )
    return "handed-over"


def _write_handover(application: Application, failure: Failure, item: dict) -> None:
    with transaction.atomic(), audit_deferred():
        routing = decisions.Routing(outcome="", route=Route.CASEWORKER, reasons=[ROUTE_REASON])
        decisions.create_proposal(application, None, routing, [item], ROBOT)
        transition(
            application,
            State.PROPOSAL_READY,
            actor=ROBOT,
            from_state=State.ROBOT_PROCESSING,
            reason="roboten kunde inte beräkna ansökan: till handläggare",
            extra={"robot_lease_until": None},
        )
        record(
            "robot.handed_over",
            actor=ROBOT,
            case_id=application.case_id,
            subject=f"application:{application.pk}",
            data={"flag": item["code"], "kind": failure.kind, "detail": failure.detail},
        )


def _where(exc: BaseException) -> str:
    """The innermost frame of our own code, for the developer (file:line in function)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/bistand/" in f.filename]
    if not frames:
        return ""
    frame = frames[-1]
    return f"{frame.filename.rsplit('/bistand/', 1)[-1]}:{frame.lineno} in {frame.name}"


# --------------------------------------------------------------------------- again


class NotStopped(Exception):
    """The application is not one the robot handed over without a calculation."""


def stopped(application: Application) -> bool:
    return (
        application.state == State.PROPOSAL_READY
        and Proposal.objects.filter(application=application, calculation__isnull=True).exists()
    )


def recalculate(application: Application, *, actor: str, reason: str) -> None:
    """Back to the robot ("Beräkna igen"): only a handed-over application without a
    calculation; its proposal is replaced when the robot is done."""
    from .tasks import enqueue

    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not stopped(locked):
            raise NotStopped("Ansökan har redan ett beräknat förslag eller är inte längre öppen.")
        transition(
            locked,
            State.ROBOT_PROCESSING,
            actor=actor,
            from_state=State.PROPOSAL_READY,
            reason=reason,
            extra={"robot_lease_until": None, "robot_worker": "", "robot_enqueued_at": None},
        )
        enqueue(locked.pk)


def requeue_where_parameters_exist(store_factory=None) -> int:
    """Applications handed over for a month without parameters go back to the robot once
    every table their flag names has values for the month. Returns how many."""
    from bistand.rules.parameters import ParameterStore, default_store
    from bistand.rules.period import Month

    waiting = list(
        Proposal.objects.filter(
            calculation__isnull=True,
            application__state=State.PROPOSAL_READY,
            flags__icontains='"MISSING_PARAMETER"',
        ).select_related("application")
    )
    if not waiting:
        return 0
    try:
        store = (store_factory or ParameterStore)()
    except RulesError as error:
        log.error("robot: the parameters cannot be read: %s", scrub(str(error)))
        return 0
    count = 0
    for proposal in waiting:
        tables = [
            t for f in proposal.flags for t in (f.get("evidence") or {}).get("parameters", [])
        ]
        month = Month.parse(proposal.application.month)
        try:
            for table in tables:
                store.table(table).version_for(month)
        except (RulesError, KeyError):
            continue
        if count == 0 and store_factory is None:
            default_store.cache_clear()  # the calculation must see the new values too
        try:
            recalculate(
                proposal.application,
                actor=ROBOT,
                reason="beloppen för månaden är nu inlagda: beräknas igen",
            )
        except NotStopped:
            continue
        count += 1
    if count:
        log.info("robot: %s applications calculated again, their parameters are there now", count)
    return count


__all__ = [
    "FLAG_LABELS",
    "Failure",
    "NotStopped",
    "classify",
    "failed",
    "flag",
    "hand_over",
    "max_attempts",
    "recalculate",
    "record_interrupted",
    "requeue_where_parameters_exist",
    "stopped",
]
