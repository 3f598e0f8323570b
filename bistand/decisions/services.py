"""Proposals and decisions: routing by the decision policy, and writing a decision.

Decisions read a finished calculation (the archived trace) and never recompute it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from bistand.audit.services import record
from bistand.cases.models import Application, ApplicationKind, State
from bistand.cases.states import transition
from bistand.rules import Result
from bistand.rules.explain import month_sv
from bistand.rules.money import format_kr, from_ore, to_ore

from .models import (
    CalculationSnapshot,
    Decision,
    DecisionItem,
    DecisionPolicy,
    Outcome,
    Proposal,
    Route,
)

#: The automated decision function (kommunallagen 6 kap. 37 §) and its version.
AUTOMATED_FUNCTION = "Bistånds automatiserade beslutsfunktion för återansökningar"
AUTOMATED_FUNCTION_VERSION = "1.0.0"

LEGAL_BASIS_INCOME_SUPPORT = "Socialtjänstlagen (2025:400) 12 kap. 1 och 7 §§"

ROUTE_REASONS = {
    "FIRST_APPLICATION": "Nyansökan prövas alltid av handläggare.",
    "OTHER_NEEDS": "Ansökan gäller behov utöver försörjningsstöd.",
    "PROVISIONAL_PARAMETER": (
        "Beräkningen använder belopp som inte är kontrollerade mot författningen."
    ),
    "FLAGS": "Roboten har flaggat uppgifter som en handläggare ska pröva.",
    "NOT_DELEGATED": (
        "Nämnden har inte delegerat beslutet till den automatiserade beslutsfunktionen."
    ),
    "REFUSAL": (
        "Förslaget är avslag. Ett beslut som går emot den sökande fattas alltid av "
        "handläggare, efter kommunicering (förvaltningslagen 25 §)."
    ),
    "ROBOT_STOPPED": "Roboten kunde inte göra klart beslutsförslaget; se flaggan.",
}


def snapshot(application: Application, result: Result, actor: str) -> CalculationSnapshot:
    """Archive a calculation exactly as the rules engine returned it."""
    calculation = new_snapshot(application, result, actor)
    calculation.save(force_insert=True)
    return calculation


def new_snapshot(application: Application, result: Result, actor: str) -> CalculationSnapshot:
    """``snapshot``'s row, not yet saved (the robot saves many in one statement)."""
    trace = result.trace()
    canonical = json.dumps(trace, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return CalculationSnapshot(
        application=application,
        trace=trace,
        trace_sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        amount_ore=to_ore(result.amount),
        provisional=result.provisional,
        engine_version=result.engine_version,
        created_by=actor,
    )


@dataclass
class Routing:
    outcome: str
    route: str
    reasons: list[dict[str, str]]


def route(
    application: Application, result: Result, flags: list[dict], policy: DecisionPolicy | None
) -> Routing:
    """Who decides: the automated function only where the nämnd has delegated it and
    nothing needs a person."""
    outcome = Outcome.GRANT if result.amount > 0 else Outcome.REFUSAL
    reasons = []
    if application.kind == ApplicationKind.FIRST:
        reasons.append("FIRST_APPLICATION")
    if application.declared.get("other_needs"):
        reasons.append("OTHER_NEEDS")
    if result.provisional:
        reasons.append("PROVISIONAL_PARAMETER")
    if flags:
        reasons.append("FLAGS")
    # Without the delegation decision on record, an automated decision could not say under
    # which delegation it was made (the letter must): then nothing is delegated.
    delegated = bool(policy and policy.delegation_reference.strip())
    if outcome == Outcome.GRANT and not (delegated and policy.automate_clean_repeat_grants):
        reasons.append("NOT_DELEGATED")
    # The robot never decides against the applicant: a refusal goes to a caseworker, who
    # communicates the material first (förvaltningslagen 25 §; bistand/kommunicering), whatever
    # the policy's old switch for automated refusals says. Reductions (a cost capped) are
    # flagged, so they go to a caseworker too (FLAGS).
    if outcome == Outcome.REFUSAL:
        reasons.append("REFUSAL")
    return Routing(
        outcome=outcome,
        route=Route.CASEWORKER if reasons else Route.AUTOMATED,
        reasons=[{"code": code, "message": ROUTE_REASONS[code]} for code in reasons],
    )


def motivering(trace: dict[str, Any], outcome: str) -> str:
    """The decision's reasons (förvaltningslagen 32 §), written from the archived trace."""
    totals = trace["totals"]
    month = month_sv(trace["month"])
    need, income = Decimal(totals["need"]), Decimal(totals["counted_income"])
    norm, costs = Decimal(totals["norm"]), Decimal(totals["reasonable_costs"])
    text = (
        f"Hushållets behov för {month} är {format_kr(need)}: riksnormen {format_kr(norm)} och "
        f"skäliga kostnader {format_kr(costs)}. Hushållets inkomster som räknas är "
        f"{format_kr(income)}. "
    )
    if outcome == Outcome.REFUSAL:
        return text + (
            "Inkomsterna täcker behovet, och hushållet har därför inte rätt till "
            "försörjningsstöd för månaden."
        )
    return text + (
        f"Skillnaden, {format_kr(Decimal(totals['amount']))}, beviljas som försörjningsstöd. "
        "Beräkningen rad för rad, med regler och källor, finns i beslutets bilaga."
    )


def create_proposal(
    application: Application,
    calculation: CalculationSnapshot | None,
    routing: Routing,
    flags: list[dict],
    actor: str,
    *,
    loggable_code: Callable[[str], str] = str,
) -> Proposal:
    """The application's proposal: new, or the earlier one replaced (a second round after a
    completion request); the old one stays in the proposal's history.

    ``calculation`` None: the robot could not calculate (bistand/robot/handover.py); the
    proposal has no outcome or amount, only its flags."""
    fields = proposal_fields(calculation, routing, flags, actor)
    proposal = Proposal.objects.filter(application=application).first()
    if proposal is None:
        proposal = Proposal.objects.create(application=application, **fields)
        action = "proposal.created"
    else:
        for name, value in fields.items():
            setattr(proposal, name, value)
        proposal.created_at = timezone.now()
        proposal.save()
        action = "proposal.replaced"
    record(
        action,
        actor=actor,
        case_id=application.case_id,
        subject=f"application:{application.pk}",
        data=proposal_event(proposal, routing, loggable_code=loggable_code),
    )
    return proposal


def proposal_fields(
    calculation: CalculationSnapshot | None, routing: Routing, flags: list[dict], actor: str
) -> dict[str, Any]:
    """A proposal's fields from its calculation and routing."""
    return {
        "calculation": calculation,
        "outcome": routing.outcome,
        "amount_ore": calculation.amount_ore if calculation is not None else 0,
        "route": routing.route,
        "route_reasons": routing.reasons,
        "flags": flags,
        "created_by": actor,
    }


def proposal_event(
    proposal: Proposal, routing: Routing, *, loggable_code: Callable[[str], str] = str
) -> dict[str, Any]:
    """The audit event's data for a proposal written or replaced. ``loggable_code`` masks a
    flag code that is itself health data (the robot passes robot.checks.loggable_code: e.g. a
    missing läkarintyg becomes SPECIAL_CATEGORY), since the audit log cannot be cleaned."""
    return {
        "proposal": proposal.pk,
        "outcome": proposal.outcome,
        "amount_ore": proposal.amount_ore,
        "route": proposal.route,
        "flags": [loggable_code(code) for code in proposal.flag_codes],
        "route_reasons": [r["code"] for r in routing.reasons],
    }


def decide_from_proposal(
    proposal: Proposal,
    *,
    actor: str,
    user=None,
    automated: bool = False,
    policy: DecisionPolicy | None = None,
    payee=None,
    four_eyes_approver=None,
) -> Decision:
    """Decide an application as proposed, by a named caseworker or the automated function.

    ``four_eyes_approver``: under the four-eyes rule, the caseworker whose first approval
    ``user``'s second approval completes.

    Must run inside the transaction that moves the application to ``decided``; the
    OneToOne on the application makes a second decision impossible.
    """
    application = proposal.application
    if policy is None:
        policy = DecisionPolicy.objects.filter(
            municipality_id=application.case.municipality_id
        ).first()
    decision, item = new_decision(
        proposal,
        automated=automated,
        policy=policy,
        user=user,
        four_eyes_approver=four_eyes_approver,
    )
    decision.save(force_insert=True)
    item.decision = decision
    item.save(force_insert=True)
    transition(
        application,
        State.DECIDED,
        actor=actor,
        from_state=State.PROPOSAL_READY,
        reason=decided_reason(automated),
    )
    record(
        "decision.made",
        actor=actor,
        case_id=application.case_id,
        subject=f"application:{application.pk}",
        data=decision_event(decision),
    )
    if decision.amount_ore > 0:
        from bistand.payments.services import create_payment_order

        create_payment_order(decision, actor=actor, payee=payee)
    return decision


def decided_reason(automated: bool) -> str:
    """The reason the state change to ``decided`` gives."""
    return "automatiserat beslut" if automated else "beslut av handläggare"


def new_decision(
    proposal: Proposal,
    *,
    automated: bool,
    policy: DecisionPolicy | None,
    user=None,
    four_eyes_approver=None,
) -> tuple[Decision, DecisionItem]:
    """The decision as proposed and its one item, not yet saved (``item.decision`` is set
    when the decision has its key)."""
    application = proposal.application
    calculation = proposal.calculation
    if automated and (proposal.outcome != Outcome.GRANT or proposal.flags):
        # route() never sends these to the automated function; this is the last line.
        raise ValueError(
            "the automated decision function never decides against the applicant "
            "(only an unflagged grant in full)"
        )
    decision = Decision(
        application=application,
        proposal=proposal,
        calculation=calculation,
        outcome=proposal.outcome,
        amount_ore=proposal.amount_ore,
        decided_at=timezone.now(),
        decided_by=None if automated else user,
        four_eyes_approver=None if automated else four_eyes_approver,
        automated_function=AUTOMATED_FUNCTION if automated else "",
        automated_function_version=AUTOMATED_FUNCTION_VERSION if automated else "",
        rules_version=calculation.engine_version,
        parameter_versions=[
            {k: p[k] for k in ("id", "valid_from", "status")}
            for p in calculation.trace["parameters"]
        ],
        delegation_reference=(policy.delegation_reference if (policy and automated) else ""),
    )
    item = DecisionItem(
        code="income_support",
        label=f"Försörjningsstöd för {month_sv(application.month)}",
        outcome=proposal.outcome,
        amount_ore=proposal.amount_ore,
        reasons=motivering(calculation.trace, proposal.outcome),
        legal_basis=LEGAL_BASIS_INCOME_SUPPORT,
    )
    return decision, item


def decision_event(decision: Decision) -> dict[str, Any]:
    """The audit event's data for a decision made."""
    return {
        "decision": decision.pk,
        "outcome": decision.outcome,
        "amount_ore": decision.amount_ore,
        "automated": decision.automated,
        "function_version": decision.automated_function_version,
        "rules_version": decision.rules_version,
        "calculation_sha256": decision.calculation.trace_sha256,
    }


def amount_kr(ore: int) -> str:
    return format_kr(from_ore(ore))


__all__ = [
    "AUTOMATED_FUNCTION",
    "AUTOMATED_FUNCTION_VERSION",
    "create_proposal",
    "decide_from_proposal",
    "decided_reason",
    "decision_event",
    "motivering",
    "new_decision",
    "new_snapshot",
    "proposal_event",
    "proposal_fields",
    "route",
    "snapshot",
    "transaction",
]
