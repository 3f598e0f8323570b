"""The robot: one run per application, idempotent, safe to kill at any moment.

    claim → fetch register data for every adult → checks → calculate → proposal
          → (where delegated and clean) automated decision + payment order

The database is the source of truth, not the task queue:

* claiming is a compare-and-swap (``submitted`` → ``robot_processing`` with a lease);
  an application whose lease has run out (its worker died) can be claimed again;
* register answers are upserted per (application, person, source), and answers
  already received are not fetched again on a resumed run;
* the proposal, the decision and the payment order are written in one transaction
  that also moves the state on; their one-to-one constraints make a second one
  impossible, so a second worker racing for the same application loses cleanly.
"""

from __future__ import annotations

import logging
import os
import socket
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from bistand.audit.services import Actor, record
from bistand.audit.services import deferred as audit_deferred
from bistand.cases import personnummer as pnr
from bistand.cases.membership import confirmed_adults, confirmed_adults_of
from bistand.cases.models import Application, ApplicationKind, State
from bistand.cases.states import ConcurrentTransition, transition, transition_many
from bistand.connectors import get_gateway
from bistand.decisions import services as decisions
from bistand.decisions.models import (
    CalculationSnapshot,
    Decision,
    DecisionItem,
    DecisionPolicy,
    Proposal,
    Route,
)
from bistand.payments import services as payments
from bistand.payments.models import PaymentOrder
from bistand.rules import Result, calculate_json
from bistand.rules.parameters import default_store
from bistand.rules.period import Month

from . import handover
from .checks import CheckInput, Person, contributions, loggable_code, run_checks
from .models import RegisterFetch

log = logging.getLogger(__name__)

ROBOT = Actor.system("robot")
AUTOMATED = Actor.system(f"automated-decision:{decisions.AUTOMATED_FUNCTION_VERSION}")
ADULT_ROLES = ("applicant", "partner")
SOURCES = ("AF", "FK", "CSN", "SKV", "AKASSA", "TS", "PM", "MIV")
REGISTER_LEGAL_BASIS = "Socialtjänstlagen (2025:400) 15 kap. 10–12 §§, förordning (2008:975)"
ROLE_IDS = {"applicant": "a", "partner": "b", "child": "c", "other": "x"}


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# --------------------------------------------------------------------------- claim


def claim(application_id: int) -> tuple[Application, bool] | None:
    """Take the application for this run: (application, resumed), or None if not ours.

    ``resumed``: an earlier run died midway, and this one continues its work.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.ROBOT_LEASE_SECONDS)
    application = Application.objects.select_related("case__municipality").get(pk=application_id)
    if application.state == State.SUBMITTED:
        try:
            transition(
                application,
                State.ROBOT_PROCESSING,
                actor=ROBOT,
                reason=f"tas av {worker_id()}",
                extra={
                    "robot_lease_until": lease,
                    "robot_worker": worker_id(),
                    "robot_runs": F("robot_runs") + 1,
                },
            )
        except ConcurrentTransition:
            return None
        return application, False
    if application.state == State.ROBOT_PROCESSING and (
        application.robot_lease_until is None or application.robot_lease_until < now
    ):
        with transaction.atomic():
            taken = Application.objects.filter(
                pk=application.pk,
                state=State.ROBOT_PROCESSING,
                robot_lease_until=application.robot_lease_until,
            ).update(
                robot_lease_until=lease, robot_worker=worker_id(), robot_runs=F("robot_runs") + 1
            )
            if taken != 1:
                return None
            # No lease: a retry after a recorded failure, or "Beräkna igen" (robot.handover);
            # a lease that ran out: the run before died without a word, which counts as a try.
            interrupted = application.robot_lease_until is not None
            if interrupted:
                handover.record_interrupted(application, worker_id())
            record(
                "robot.resumed",
                actor=ROBOT,
                case_id=application.case_id,
                subject=f"application:{application.pk}",
                data={
                    "worker": worker_id(),
                    "reason": "föregående körning avbröts" if interrupted else "nytt försök",
                },
            )
        application.robot_worker = worker_id()
        return application, True
    return None


def claim_many(application_ids: list[int]) -> list[Application]:
    """Take the submitted applications among ``application_ids`` for this run, in one
    transaction (a batch); those another worker holds or that are not submitted are left."""
    lease = timezone.now() + timedelta(seconds=settings.ROBOT_LEASE_SECONDS)
    with transaction.atomic(), audit_deferred():
        found = (
            Application.objects.select_related("case__municipality")
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=application_ids, state=State.SUBMITTED)
            .order_by("pk")
        )
        # One application of a case per batch: a case's later month reads the earlier one's
        # decision (its history), which a batch writes only at its end. The other stays
        # submitted and ``process_many`` runs it alone.
        by_case: dict[int, Application] = {}
        for application in found:
            by_case.setdefault(application.case_id, application)
        applications = sorted(by_case.values(), key=lambda a: a.pk)
        transition_many(
            applications,
            State.ROBOT_PROCESSING,
            actor=ROBOT,
            from_state=State.SUBMITTED,
            reason=f"tas av {worker_id()}",
            extra={
                "robot_lease_until": lease,
                "robot_worker": worker_id(),
                "robot_runs": F("robot_runs") + 1,
            },
        )
    return applications


# --------------------------------------------------------------------------- register data


def purpose(application: Application) -> str:
    return (
        f"Prövning av ekonomiskt bistånd, ärende {application.case.reference}, {application.month}"
    )


def fetch_register_data(
    application: Application, adults: list, *, resumed: bool = False
) -> dict[str, dict[str, dict]]:
    """Every source for every adult. A resumed run keeps the answers its predecessor got; a new
    round (e.g. after a completion request) asks every source again."""
    asked = ask_registers(application, adults, resumed=resumed)
    store_register_answers([asked])
    return asked.answers


@dataclass
class RegisterRound:
    """What one application's registers answered: by personnummer and source, and the rows
    and the audit event's persons still to be written (``store_register_answers``)."""

    application: Application
    answers: dict[str, dict[str, dict]]
    rows: list[RegisterFetch]
    asked: list[dict]


def ask_registers(application: Application, adults: list, *, resumed: bool = False):
    """Ask the register gateway for every adult (``fetch_register_data`` without the writing)."""
    stored = (
        {
            (row.person_id, row.source): row
            for row in RegisterFetch.objects.filter(application=application)
        }
        if resumed
        else {}
    )
    gateway = get_gateway()
    why = purpose(application)
    answers: dict[str, dict[str, dict]] = {}
    rows: list[RegisterFetch] = []
    asked: list[dict] = []
    for person in adults:
        have = {s: stored[(person.pk, s)] for s in SOURCES if (person.pk, s) in stored}
        missing = [s for s in SOURCES if s not in have or have[s].status != "ok"]
        fresh = (
            gateway.fetch(person.personnummer, application.month, missing, why) if missing else {}
        )
        rows += [
            RegisterFetch(
                application=application,
                person=person,
                source=code,
                status=answer.status,
                records=answer.records,
                reason=answer.reason[:300],
                attempts=answer.attempts,
                purpose=why,
            )
            for code, answer in fresh.items()
        ]
        if fresh:
            asked.append(
                {
                    "person": pnr.pseudonym(person.personnummer),
                    "sources": sorted(fresh),
                    "unknown": sorted(c for c, a in fresh.items() if a.status != "ok"),
                }
            )
        merged = {
            s: {"status": r.status, "records": r.records, "reason": r.reason}
            for s, r in have.items()
        }
        merged.update(
            {
                c: {"status": a.status, "records": a.records, "reason": a.reason}
                for c, a in fresh.items()
            }
        )
        answers[person.personnummer] = merged
    return RegisterRound(application, answers, rows, asked)


def store_register_answers(rounds: list[RegisterRound]) -> None:
    """The answers of one or more applications, upserted in one statement, each application's
    fetch in the audit log with its purpose and legal basis; committed at once, so a run that
    dies later keeps them."""
    rows = [row for asked in rounds for row in asked.rows]
    if not rows:
        return
    with transaction.atomic(), audit_deferred():
        RegisterFetch.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["application", "person", "source"],
            update_fields=["status", "records", "reason", "attempts", "fetched_at"],
        )
        for asked in rounds:
            if asked.rows:
                record(
                    "register.fetch",
                    actor=ROBOT,
                    case_id=asked.application.case_id,
                    subject=f"application:{asked.application.pk}",
                    data={
                        "persons": asked.asked,
                        "purpose": purpose(asked.application),
                        "legal_basis": REGISTER_LEGAL_BASIS,
                    },
                )


# --------------------------------------------------------------------------- calculation input


def previous_declared(application: Application) -> dict[str, Any] | None:
    earlier = (
        Application.objects.filter(
            case_id=application.case_id, month=_previous_month(application.month)
        )
        .exclude(state=State.WITHDRAWN)
        .only("declared")
        .first()
    )
    return earlier.declared if earlier else None


def granted_months(application: Application) -> list[str]:
    """The case's earlier months with a granted decision, oldest first."""
    return list(
        Application.objects.filter(
            case_id=application.case_id, decision__outcome="grant", month__lt=application.month
        )
        .order_by("month")
        .values_list("month", flat=True)
    )


def case_history(application: Application) -> tuple[dict[str, Any] | None, list[str]]:
    """``previous_declared`` and ``granted_months`` in one query (the robot's run needs both)."""
    return case_histories([application])[application.pk]


def case_histories(
    applications: list[Application],
) -> dict[int, tuple[dict[str, Any] | None, list[str]]]:
    """``case_history`` of several applications, read in one query (the robot's batches)."""
    if not applications:
        return {}
    rows = (
        Application.objects.filter(
            case_id__in={a.case_id for a in applications},
            month__lt=max(a.month for a in applications),
        )
        .filter(
            (
                Q(month__in={_previous_month(a.month) for a in applications})
                & ~Q(state=State.WITHDRAWN)
            )
            | Q(decision__outcome="grant")
        )
        .order_by("month", "pk")
        .values_list("case_id", "month", "state", "decision__outcome", "declared")
    )
    by_case: dict[int, list[tuple]] = {}
    for case_id, *row in rows:
        by_case.setdefault(case_id, []).append(row)
    found = {}
    for application in applications:
        prev = _previous_month(application.month)
        previous, granted = None, []
        for month, state, outcome, declared in by_case.get(application.case_id, []):
            if month >= application.month:
                continue
            if month == prev and state != State.WITHDRAWN and previous is None:
                previous = declared
            if outcome == "grant":
                granted.append(month)
        found[application.pk] = (previous, granted)
    return found


def _previous_month(month: str) -> str:
    m = Month.parse(month)
    return f"{m.year - (m.month == 1):04d}-{12 if m.month == 1 else m.month - 1:02d}"


def jobbstimulans_eligible(granted: list[str], month: str) -> bool:
    """Six months in a row with försörjningsstöd before ``month``, within the 24-month window.

    Counted from the case's granted months (``granted_months``); the rule follows the person,
    here approximated by the case they were an adult of.
    """
    if not granted:
        return False
    index = {m: i for i, m in enumerate(_month_range(granted[0], month))}
    run_start, previous, streak = None, None, 0
    for m in granted:
        streak = streak + 1 if previous is not None and index[m] == index[previous] + 1 else 1
        if streak == 6 and run_start is None:
            run_start = index[m] + 1  # eligible from the month after the sixth
        previous = m
    if run_start is None:
        return False
    return run_start <= index[month] < run_start + 24


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def rules_input(
    application: Application, guidelines: str | None, granted: list[str] | None = None
) -> dict[str, Any]:
    """The rules engine's input from what the applicant declared (ids, not personnummer).

    ``granted``: the case's granted months if the caller has them (``case_history``)."""
    declared = application.declared
    if granted is None:
        granted = granted_months(application) if application.kind == ApplicationKind.REPEAT else []
    ids: dict[str, str] = {}
    counters: dict[str, int] = {}
    members = []
    for member in declared["members"]:
        role = member["role"]
        counters[role] = counters.get(role, 0) + 1
        member_id = ROLE_IDS[role] + ("" if role in ADULT_ROLES else str(counters[role]))
        ids[member["personnummer"]] = member_id
        entry: dict[str, Any] = {
            "id": member_id,
            "role": role,
            "born": pnr.birth_date(member["personnummer"]).isoformat(),
        }
        if role == "child":
            if member.get("days"):
                entry["days"] = member["days"]
            if member.get("lunch_away"):
                entry["lunch_away"] = True
        if role in ADULT_ROLES and jobbstimulans_eligible(granted, application.month):
            entry["jobbstimulans"] = True
        members.append(entry)
    data = {
        "month": application.month,
        "members": members,
        "costs": [{"type": c["type"], "amount": c["amount"]} for c in declared.get("costs", [])],
        "incomes": [
            {"type": i["type"], "member": ids[i["personnummer"]], "amount": i["amount"]}
            for i in declared.get("incomes", [])
        ],
    }
    if guidelines:
        data["guidelines"] = guidelines
    return data


def _label(role: str, personnummer: str) -> str:
    return {"applicant": "sökande", "partner": "medsökande"}.get(role, "hushållsmedlem") + (
        f" ({pnr.mask(personnummer)})"
    )


# --------------------------------------------------------------------------- the run


def process(application_id: int) -> str:
    """Process one application. Returns what happened, for the task result.

    A run that fails is never left hanging (robot/handover.py): it is retried a bounded
    number of times, or handed to a caseworker with a flag that says what to do. Only
    ``BaseException``s that are not ``Exception`` (a worker being stopped) pass through."""
    claimed = claim(application_id)
    if claimed is None:
        return "skipped"
    application, resumed = claimed
    if resumed and handover.attempts_in_round(application) >= handover.max_attempts():
        failure = handover.Failure(
            "unexpected", "okänt", "körningen avbröts för många gånger", permanent=True
        )
        return handover.hand_over(application, failure, None)
    stage = Stage()
    try:
        return _run(application, resumed, stage)
    except Exception as exc:  # every failure ends with a person, never a hang
        return handover.failed(application, exc, stage.name, worker_id())


def process_many(application_ids: list[int]) -> dict[int, str]:
    """``process`` for a batch of applications (the worker's): what happened to each.

    The same run as ``process``, with the database work shared: the submitted ones are
    claimed in one transaction; their registers are asked ``settings.REGISTER_CONCURRENCY``
    persons at a time (threads, no database work in them); and as the answers arrive, those
    that have come are stored, assessed and written together (``_finish``), while the slower
    ones are still awaited — a source that is down and waits out its back-off holds up only
    its own application. An application that fails is handled alone, as in ``process``; one
    that is not simply submitted (a resumed or retried run) goes through ``process``."""
    claimed = claim_many(application_ids)
    taken = {a.pk for a in claimed}
    outcomes = _process_claimed(claimed) if claimed else {}
    # After the batch: a second month of one of its cases then reads the first's decision.
    return outcomes | {pk: process(pk) for pk in dict.fromkeys(application_ids) if pk not in taken}


def _process_claimed(claimed: list[Application]) -> dict[int, str]:
    outcomes: dict[int, str] = {}
    adults = confirmed_adults_of(claimed)
    histories = case_histories([a for a in claimed if a.kind == ApplicationKind.REPEAT])
    extras = contributed_data(claimed)
    policies = {
        policy.municipality_id: policy
        for policy in DecisionPolicy.objects.filter(
            municipality_id__in={a.case.municipality_id for a in claimed}
        )
    }

    def ask(application: Application) -> RegisterRound | Exception:
        try:
            return ask_registers(application, [a.person for a in adults[application.pk]])
        except Exception as exc:
            return exc

    threads = max(1, min(settings.REGISTER_CONCURRENCY, len(claimed)))
    with ThreadPoolExecutor(threads, thread_name_prefix="register") as pool:
        pending = {pool.submit(ask, application): application for application in claimed}
        while pending:
            done, _ = wait(pending, timeout=ANSWERS_WAIT_SECONDS, return_when=ALL_COMPLETED)
            if not done:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
            arrived = [(pending.pop(future), future.result()) for future in done]
            outcomes |= _finish(arrived, adults, histories, policies, extras)
    return outcomes


def contributed_data(applications: list[Application]) -> dict[int, dict[str, Any]]:
    """What the contributed checks (``checks.contribute``) read for these applications: each
    contribution's loader once for the whole batch. A loader that fails gives None for its
    name (its check then says it could not check: never "nothing found")."""
    extras: dict[int, dict[str, Any]] = {a.pk: {} for a in applications}
    for contribution in contributions():
        if contribution.load is None:
            continue
        try:
            loaded = contribution.load(applications)
        except Exception as exc:  # no traceback: its values may be personal data
            log.error(
                "robot: the %s check's data could not be read (%s)",
                contribution.name,
                type(exc).__name__,
            )
            loaded = {}
        for application in applications:
            extras[application.pk][contribution.name] = loaded.get(application.pk)
    return extras


#: How long ``process_many`` waits for all the registers' answers before it goes on with
#: those that have come (the rest are written in a later round of the same batch).
ANSWERS_WAIT_SECONDS = 0.05


def _finish(
    arrived: list[tuple[Application, RegisterRound | Exception]],
    adults: dict[int, list],
    histories: dict[int, tuple[dict[str, Any] | None, list[str]]],
    policies: dict[int, DecisionPolicy],
    extras: dict[int, dict[str, Any]] | None = None,
) -> dict[int, str]:
    """Store the register answers that have arrived, assess and write those applications."""
    outcomes: dict[int, str] = {}
    rounds: dict[int, RegisterRound] = {}
    for application, asked in arrived:
        if isinstance(asked, RegisterRound):
            rounds[application.pk] = asked
        else:  # every failure ends with a person, never a hang
            outcomes[application.pk] = handover.failed(application, asked, "registers", worker_id())
    try:
        store_register_answers(list(rounds.values()))
    except Exception as exc:
        for pk in list(rounds):
            outcomes[pk] = handover.failed(
                rounds.pop(pk).application, exc, "registers", worker_id()
            )
    plans = []
    for asked in rounds.values():
        application, stage = asked.application, Stage()
        try:
            plans.append(
                assess(
                    application,
                    adults[application.pk],
                    asked.answers,
                    histories.get(application.pk, (None, [])),
                    policies.get(application.case.municipality_id),
                    stage,
                    (extras or {}).get(application.pk),
                )
            )
        except Exception as exc:
            outcomes[application.pk] = handover.failed(application, exc, stage.name, worker_id())
    if len(plans) > 1:
        try:
            return outcomes | write(plans)
        except Exception:
            log.info("robot: a batch of %s could not be written together; one by one", len(plans))
    for plan in plans:
        try:
            outcomes |= write([plan])
        except Exception as exc:
            outcomes[plan.application.pk] = handover.failed(
                plan.application, exc, "proposal", worker_id()
            )
    return outcomes


class Stage:
    """Where the run is, for the failure record."""

    name = "start"


def _run(application: Application, resumed: bool, stage: Stage) -> str:
    # The registers of the adults the application declares and who are confirmed members of
    # the household in its month (signed with their own e-legitimation or registered by the
    # municipality): never of someone who was only named in it (cases.membership).
    confirmed = confirmed_adults(application)
    stage.name = "registers"
    register = fetch_register_data(
        application, [adult.person for adult in confirmed], resumed=resumed
    )
    stage.name = "checks"
    history = (
        case_history(application) if application.kind == ApplicationKind.REPEAT else (None, [])
    )
    policy = DecisionPolicy.objects.filter(municipality_id=application.case.municipality_id).first()
    extra = contributed_data([application])[application.pk]
    plan = assess(application, confirmed, register, history, policy, stage, extra)
    return write([plan])[application.pk]


@dataclass
class Plan:
    """What the robot concluded for one application, before anything of it is written."""

    application: Application
    flags: list[dict]
    result: Result
    routing: decisions.Routing
    policy: DecisionPolicy | None
    payee: Any  # the sökande (cases.models.Person), paid if the decision grants


def assess(
    application: Application,
    confirmed: list,
    register: dict[str, dict[str, dict]],
    history: tuple[dict[str, Any] | None, list[str]],
    policy: DecisionPolicy | None,
    stage: Stage,
    extra: dict[str, Any] | None = None,
) -> Plan:
    """Checks, calculation and routing: no database writes, so many can be written at once."""
    stage.name = "checks"
    declared = application.declared
    month = Month.parse(application.month)
    threshold = Decimal(
        default_store()
        .table("national.robot_checks")
        .version_for(month)
        .data["values"]["income_change_threshold"]
    )
    previous, granted = history
    members = [
        Person(
            m["personnummer"], m["role"], _label(m["role"], m["personnummer"]), bool(m.get("days"))
        )
        for m in declared["members"]
    ]
    flags = run_checks(
        CheckInput(
            month=application.month,
            kind=application.kind,
            members=members,
            declared=declared,
            previous=previous,
            register=register,
            threshold=threshold,
            extra=extra or {},
        )
    )
    stage.name = "calculation"
    guidelines = application.case.municipality.guidelines or None
    result = calculate_json(rules_input(application, guidelines, granted))
    stage.name = "proposal"
    flags += [flag.to_json() for flag in result.flags]
    routing = decisions.route(application, result, flags, policy)
    payee = confirmed[0].person if confirmed else None
    return Plan(application, flags, result, routing, policy, payee)


def write(plans: list[Plan]) -> dict[int, str]:
    """The proposals, and where the decision is the automated function's the decisions and
    payment orders, of one or more applications: in one transaction, each kind of row in one
    statement, the audit events appended together. All or nothing: if another run finished
    one of them first, nothing is kept ("lost-race" for a single application; a batch raises
    and ``process_many`` writes its applications one by one)."""
    try:
        with transaction.atomic(), audit_deferred():
            decided = _write(plans)
    except (IntegrityError, ConcurrentTransition):
        if len(plans) > 1:
            raise
        # Another run of the same application finished first: nothing of ours is kept.
        log.info("robot: application %s was finished by another run", plans[0].application.pk)
        return {plans[0].application.pk: "lost-race"}
    from .tasks import archive_decision_letter

    for decision in decided:
        archive_decision_letter.enqueue(decision.pk)
    outcomes = {}
    for plan in plans:
        outcome = "decided" if plan.routing.route == Route.AUTOMATED else "proposal"
        outcomes[plan.application.pk] = outcome
        log.info(
            "robot: application %s %s (%s, flags %s)",
            plan.application.pk,
            outcome,
            plan.routing.outcome,
            ",".join(sorted({loggable_code(f["code"]) for f in plan.flags})) or "-",
        )
    return outcomes


def _write(plans: list[Plan]) -> list[Decision]:
    calculations = [decisions.new_snapshot(p.application, p.result, ROBOT) for p in plans]
    CalculationSnapshot.objects.bulk_create(calculations)
    earlier = set(
        Proposal.objects.filter(application__in=[p.application for p in plans]).values_list(
            "application_id", flat=True
        )
    )
    proposals, new = {}, []
    for plan, calculation in zip(plans, calculations, strict=True):
        application = plan.application
        if application.pk in earlier:  # a second round: replaced, the old one in its history
            proposals[application.pk] = decisions.create_proposal(
                application,
                calculation,
                plan.routing,
                plan.flags,
                ROBOT,
                loggable_code=loggable_code,
            )
            continue
        proposal = Proposal(
            application=application,
            **decisions.proposal_fields(calculation, plan.routing, plan.flags, ROBOT),
        )
        proposals[application.pk] = proposal
        new.append((plan, proposal))
    Proposal.objects.bulk_create([proposal for _, proposal in new])
    Proposal.history.bulk_history_create([proposal for _, proposal in new])
    for plan, proposal in new:
        record(
            "proposal.created",
            actor=ROBOT,
            case_id=plan.application.case_id,
            subject=f"application:{plan.application.pk}",
            data=decisions.proposal_event(proposal, plan.routing, loggable_code=loggable_code),
        )
    # What Proposal.save does for one: the queues count flagged proposals by this column.
    for flagged in (True, False):
        keys = [p.application.pk for p, _ in new if bool(p.flags) is flagged]
        if keys:
            Application.objects.filter(pk__in=keys).exclude(flagged=flagged).update(flagged=flagged)
    automated = [p for p in plans if p.routing.route == Route.AUTOMATED]
    to_caseworker = [p for p in plans if p.routing.route != Route.AUTOMATED]
    for group, reason in (
        (to_caseworker, "beslutsförslag klart"),
        (automated, "beslutsförslag klart för automatiserat beslut"),
    ):
        transition_many(
            [p.application for p in group],
            State.PROPOSAL_READY,
            actor=ROBOT,
            from_state=State.ROBOT_PROCESSING,
            reason=reason,
            extra={"robot_lease_until": None},
        )
    return _decide(automated, proposals)


def _decide(plans: list[Plan], proposals: dict[int, Proposal]) -> list[Decision]:
    """The automated function's decisions (kommunallagen 6 kap. 37 §) and payment orders."""
    if not plans:
        return []
    made = [
        decisions.new_decision(proposals[p.application.pk], automated=True, policy=p.policy)
        for p in plans
    ]
    decided = Decision.objects.bulk_create([decision for decision, _ in made])
    Decision.history.bulk_history_create(decided)
    for decision, item in made:
        item.decision = decision
    DecisionItem.objects.bulk_create([item for _, item in made])
    transition_many(
        [p.application for p in plans],
        State.DECIDED,
        actor=AUTOMATED,
        from_state=State.PROPOSAL_READY,
        reason=decisions.decided_reason(True),
    )
    orders = []
    for plan, decision in zip(plans, decided, strict=True):
        record(
            "decision.made",
            actor=AUTOMATED,
            case_id=plan.application.case_id,
            subject=f"application:{plan.application.pk}",
            data=decisions.decision_event(decision),
        )
        if decision.amount_ore > 0:
            payee = plan.payee or confirmed_adults(plan.application)[0].person
            orders.append((plan, payments.new_payment_order(decision, payee)))
    PaymentOrder.objects.bulk_create([order for _, order in orders])
    PaymentOrder.history.bulk_history_create([order for _, order in orders])
    for plan, order in orders:
        record(
            "payment.created",
            actor=AUTOMATED,
            case_id=plan.application.case_id,
            subject=f"application:{plan.application.pk}",
            data=payments.payment_event(order),
        )
    return decided
