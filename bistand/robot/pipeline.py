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
from bistand.cases.membership import confirmed_adults
from bistand.cases.models import Application, ApplicationKind, State
from bistand.cases.states import ConcurrentTransition, transition
from bistand.connectors import get_gateway
from bistand.decisions import services as decisions
from bistand.decisions.models import DecisionPolicy, Route
from bistand.rules import calculate_json
from bistand.rules.parameters import default_store
from bistand.rules.period import Month

from . import handover
from .checks import CheckInput, Person, run_checks
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
    if rows:
        with transaction.atomic():
            RegisterFetch.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["application", "person", "source"],
                update_fields=["status", "records", "reason", "attempts", "fetched_at"],
            )
            record(
                "register.fetch",
                actor=ROBOT,
                case_id=application.case_id,
                subject=f"application:{application.pk}",
                data={"persons": asked, "purpose": why, "legal_basis": REGISTER_LEGAL_BASIS},
            )
    return answers


# --------------------------------------------------------------------------- calculation input


def previous_declared(application: Application) -> dict[str, Any] | None:
    month = Month.parse(application.month)
    prev = (
        f"{month.year - (month.month == 1):04d}-{12 if month.month == 1 else month.month - 1:02d}"
    )
    earlier = (
        Application.objects.filter(case_id=application.case_id, month=prev)
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
    prev = _previous_month(application.month)
    rows = (
        Application.objects.filter(case_id=application.case_id, month__lt=application.month)
        .filter((Q(month=prev) & ~Q(state=State.WITHDRAWN)) | Q(decision__outcome="grant"))
        .order_by("month", "pk")
        .values_list("month", "state", "decision__outcome", "declared")
    )
    previous, granted = None, []
    for month, state, outcome, declared in rows:
        if month == prev and state != State.WITHDRAWN and previous is None:
            previous = declared
        if outcome == "grant":
            granted.append(month)
    return previous, granted


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


class Stage:
    """Where the run is, for the failure record."""

    name = "start"


def _run(application: Application, resumed: bool, stage: Stage) -> str:
    case = application.case
    declared = application.declared
    # The registers of the adults the application declares and who are confirmed members of
    # the household in its month (signed with their own e-legitimation or registered by the
    # municipality): never of someone who was only named in it (cases.membership).
    confirmed = confirmed_adults(application)
    adults = [adult.person for adult in confirmed]
    applicant = confirmed[0].person if confirmed else None
    stage.name = "registers"
    register = fetch_register_data(application, adults, resumed=resumed)
    stage.name = "checks"

    month = Month.parse(application.month)
    threshold = Decimal(
        default_store()
        .table("national.robot_checks")
        .version_for(month)
        .data["values"]["income_change_threshold"]
    )
    previous, granted = (
        case_history(application) if application.kind == ApplicationKind.REPEAT else (None, [])
    )
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
        )
    )
    stage.name = "calculation"
    result = calculate_json(rules_input(application, case.municipality.guidelines or None, granted))
    stage.name = "proposal"
    flags += [flag.to_json() for flag in result.flags]
    policy = DecisionPolicy.objects.filter(municipality_id=case.municipality_id).first()
    routing = decisions.route(application, result, flags, policy)

    try:
        with transaction.atomic(), audit_deferred():
            calculation = decisions.snapshot(application, result, ROBOT)
            proposal = decisions.create_proposal(application, calculation, routing, flags, ROBOT)
            transition(
                application,
                State.PROPOSAL_READY,
                actor=ROBOT,
                from_state=State.ROBOT_PROCESSING,
                reason="beslutsförslag klart"
                if routing.route == Route.CASEWORKER
                else "beslutsförslag klart för automatiserat beslut",
                extra={"robot_lease_until": None},
            )
            if routing.route == Route.AUTOMATED:
                decision = decisions.decide_from_proposal(
                    proposal, actor=AUTOMATED, automated=True, policy=policy, payee=applicant
                )
    except (IntegrityError, ConcurrentTransition):
        # Another run of the same application finished first: nothing of ours is kept.
        log.info("robot: application %s was finished by another run", application.pk)
        return "lost-race"
    if routing.route == Route.AUTOMATED:
        from .tasks import archive_decision_letter

        archive_decision_letter.enqueue(decision.pk)
    outcome = "decided" if routing.route == Route.AUTOMATED else "proposal"
    log.info(
        "robot: application %s %s (%s, flags %s)",
        application.pk,
        outcome,
        routing.outcome,
        ",".join(sorted({f["code"] for f in flags})) or "-",
    )
    return outcome
