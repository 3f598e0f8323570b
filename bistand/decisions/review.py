"""The caseworker's actions on an application, as plain functions that views and tests call.

Every action

* checks that the user may decide (``access.can_decide``) and sees the application
  (``access.applications_visible_to``), and raises ``PermissionDenied`` otherwise;
* runs in one transaction that locks the application, checks that it is still in the state
  (and the proposal still has the calculation) the caseworker saw, and records an audit event
  with ``Actor.user(user)``;
* changes the application's state only through ``bistand.cases.states.transition``.

Two caseworkers acting at once: the second gets ``AlreadyHandled`` ("Någon annan har redan
beslutat …") or ``ProposalChanged``, never a server error. See docs/workspace.md.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from bistand.audit.services import Actor, record
from bistand.cases import personnummer as pnr
from bistand.cases.models import Application, Case, State
from bistand.cases.states import ConcurrentTransition, IllegalTransition, transition
from bistand.rules import RulesError, calculate_json
from bistand.rules.explain import month_sv
from bistand.rules.money import AmountError, decimal_str, format_kr, from_ore, parse_amount, to_ore
from bistand.rules.parameters import default_store
from bistand.rules.period import Month
from bistand.rules.trace import COST_ABOVE_CAP, PROVISIONAL_PARAMETER
from bistand.staff import access
from bistand.staff.models import Role

from .models import Decision, DecisionPolicy, Outcome, Proposal
from .services import decide_from_proposal, motivering, snapshot

#: Flags the rules engine raises; recomputed with every new calculation.
RULES_FLAGS = frozenset({COST_ABOVE_CAP, PROVISIONAL_PARAMETER})
ROLE_IDS = {"applicant": "a", "partner": "b", "child": "c", "other": "x"}
ROLE_SV = {
    "applicant": "sökande",
    "partner": "medsökande",
    "child": "barn",
    "other": "annan person",
}
MAX_TEXT = 5000


class ReviewError(Exception):
    """The action cannot be carried out; the message says why, in Swedish, to the caseworker."""


class AlreadyHandled(ReviewError):
    """Someone else decided (or otherwise moved) the application first."""


class ProposalChanged(ReviewError):
    """The proposal has been changed since the caseworker opened it."""


class KommuniceringNeeded(ReviewError):
    """The decision goes against the applicant and förvaltningslagen 25 § is not yet met."""


@dataclass
class ReviewResult:
    """What an approval or refusal led to: a decision, or a first approval awaiting a second."""

    decision: Decision | None = None
    first_approval: Any = None  # workspace.FourEyesApproval

    @property
    def message(self) -> str:
        if self.decision is not None:
            return (
                f"Beslutet är fattat: {self.decision.get_outcome_display()}, "
                f"{format_kr(from_ore(self.decision.amount_ore))}."
            )
        return (
            "Ditt godkännande är registrerat. Beloppet är över gränsen för fyraögonsprincipen, "
            "så en annan handläggare måste också godkänna innan beslutet fattas."
        )


# --------------------------------------------------------------------------- checks


def _require_decider(user, application: Application) -> None:
    if not access.can_decide(user):
        raise PermissionDenied("Du har inte behörighet att handlägga ärenden.")
    if not access.applications_visible_to(user).filter(pk=application.pk).exists():
        raise PermissionDenied("Du har inte behörighet till ärendet.")


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ReviewError(f"Skriv {what}.")
    if len(value) > MAX_TEXT:
        raise ReviewError(f"{what.capitalize()} får vara högst {MAX_TEXT} tecken.")
    return value


def _amount(value: Any, what: str) -> Decimal:
    try:
        return parse_amount(value)
    except AmountError as error:
        raise ReviewError(f"{what.capitalize()}: beloppet {error}.") from None


def _already_handled(application: Application) -> AlreadyHandled:
    application.refresh_from_db(fields=["state"])
    if application.state in (State.DECIDED, State.PAID):
        return AlreadyHandled(
            "Någon annan har redan beslutat om ansökan. Läs om sidan för att se beslutet."
        )
    return AlreadyHandled(
        "Någon annan har redan hanterat ansökan (den är nu "
        f"{State(application.state).label}). Läs om sidan."
    )


def _require_kommunicering(proposal: Proposal, outcome: str, amount_ore: int) -> None:
    """Inside the decision's transaction: a decision wholly or partly against the applicant
    waits for kommunicering — answered, deadline passed, or a recorded reason to decide without
    (förvaltningslagen 25 §; bistand/kommunicering). A grant in full needs none."""
    from bistand.kommunicering.services import decision_block

    block = decision_block(proposal, outcome=outcome, amount_ore=amount_ore)
    if block:
        raise KommuniceringNeeded(block)


def _lock_ready(proposal: Proposal, seen_calculation_id: int | None) -> Application:
    """Inside a transaction: lock the application, check it still waits for a decision and the
    proposal is the one the caseworker saw."""
    application = Application.objects.select_for_update().get(pk=proposal.application_id)
    if application.state != State.PROPOSAL_READY:
        raise _already_handled(application)
    proposal.refresh_from_db()
    if proposal.calculation_id is None:
        raise ReviewError(
            "Förslaget har ingen beräkning: roboten kunde inte beräkna ansökan (se flaggan). "
            "Begär komplettering, eller tryck Beräkna igen när orsaken är åtgärdad."
        )
    if seen_calculation_id is not None and proposal.calculation_id != int(seen_calculation_id):
        raise ProposalChanged(
            "Beslutsförslaget har ändrats sedan du öppnade det. Läs om sidan och pröva det "
            "nya förslaget."
        )
    proposal.application = application
    return application


# --------------------------------------------------------------------------- the rules input


def member_choices(application: Application) -> list[tuple[str, str]]:
    """(rules-input member id, "sökande (19850201-****)") for the household in the application,
    with the ids ``bistand.robot.pipeline.rules_input`` gives them."""
    counters: dict[str, int] = {}
    choices = []
    for member in application.declared.get("members", []):
        role = member["role"]
        counters[role] = counters.get(role, 0) + 1
        member_id = ROLE_IDS[role] + (
            "" if role in ("applicant", "partner") else str(counters[role])
        )
        choices.append(
            (member_id, f"{ROLE_SV.get(role, role)} ({pnr.mask(member['personnummer'])})")
        )
    return choices


def apply_change(data: dict[str, Any], kind: str, change: dict[str, Any]) -> dict[str, Any]:
    """A copy of the rules input ``data`` with one caseworker change applied."""
    data = copy.deepcopy(data)
    if kind == "cost":
        costs = [c for c in data.get("costs", []) if c["type"] != change["cost_type"]]
        if Decimal(change["amount"]) > 0:
            costs.append({"type": change["cost_type"], "amount": change["amount"]})
        data["costs"] = costs
    elif kind == "add_income":
        data.setdefault("incomes", []).append(
            {"type": change["income_type"], "member": change["member"], "amount": change["amount"]}
        )
    elif kind == "remove_income":
        del data["incomes"][change["index"]]
    elif kind == "income_amount":
        data["incomes"][change["index"]]["amount"] = change["amount"]
    else:
        raise ValueError(f"okänd ändring {kind!r}")
    return data


def _describe(kind: str, change: dict[str, Any], labels: dict[str, dict[str, str]]) -> str:
    costs, incomes, members = labels["costs"], labels["incomes"], labels["members"]
    if kind == "cost":
        label = costs.get(change["cost_type"], change["cost_type"])
        before = format_kr(Decimal(change["before"])) if change.get("before") else "inget"
        return (
            f"{label}: godtas med {format_kr(Decimal(change['amount']))} (yrkat i underlaget: "
            f"{before})"
        )
    income = incomes.get(change.get("income_type", ""), change.get("income_type", ""))
    who = members.get(change.get("member", ""), change.get("member", ""))
    if kind == "add_income":
        return f"Inkomst tillagd: {income}, {who}, {format_kr(Decimal(change['amount']))}"
    if kind == "remove_income":
        return f"Inkomst borttagen: {income}, {who}, {format_kr(Decimal(change['before']))}"
    return (
        f"Inkomst ändrad: {income}, {who}, från {format_kr(Decimal(change['before']))} till "
        f"{format_kr(Decimal(change['amount']))}"
    )


def _labels(application: Application) -> dict[str, dict[str, str]]:
    return {
        "costs": cost_types(application.month),
        "incomes": known_income_types(application.month),
        "members": dict(member_choices(application)),
    }


def _change(
    kind: str, data: dict[str, Any], fields: dict[str, Any], members: set[str]
) -> dict[str, Any]:
    """The change to store, validated against the current rules input."""
    if kind == "cost":
        cost_type = fields.get("cost_type")
        if cost_type not in cost_types(data["month"]):
            raise ReviewError("Välj vilken kostnad som ändras.")
        amount = _amount(fields.get("amount"), "godtaget belopp")
        before = sum(
            (Decimal(c["amount"]) for c in data.get("costs", []) if c["type"] == cost_type),
            Decimal(0),
        )
        return {
            "cost_type": cost_type,
            "amount": decimal_str(amount),
            "before": decimal_str(before)
            if any(c["type"] == cost_type for c in data.get("costs", []))
            else "",
        }
    if kind == "add_income":
        income_type = fields.get("income_type")
        if income_type not in known_income_types(data["month"]):
            raise ReviewError("Välj vilken sorts inkomst som läggs till.")
        member = fields.get("member")
        if member not in members:
            raise ReviewError("Välj vems inkomsten är.")
        return {
            "income_type": income_type,
            "member": member,
            "amount": decimal_str(_amount(fields.get("amount"), "inkomstens belopp")),
        }
    if kind in ("remove_income", "income_amount"):
        incomes = data.get("incomes", [])
        try:
            index = int(fields.get("index"))
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(incomes):
            raise ReviewError("Välj vilken inkomst som ändras.")
        income = incomes[index]
        change = {
            "index": index,
            "income_type": income["type"],
            "member": income["member"],
            "before": income["amount"],
        }
        if kind == "income_amount":
            change["amount"] = decimal_str(_amount(fields.get("amount"), "inkomstens belopp"))
        return change
    raise ReviewError("Okänd ändring.")


def _catalogue(table: str, month: str) -> dict[str, str]:
    values = default_store().table(table).version_for(Month.parse(month)).data["values"]
    return {code: str(row["label"]) for code, row in values.items()}


def cost_types(month: str) -> dict[str, str]:
    """Cost type → Swedish label, from the rules engine's catalogue for the month."""
    return _catalogue("national.cost_types", month)


def known_income_types(month: str) -> dict[str, str]:
    """Income type → Swedish label, from the rules engine's income catalogue for the month."""
    return _catalogue("national.income_types", month)


# --------------------------------------------------------------------------- change an item


def adjust(
    proposal: Proposal,
    *,
    user,
    kind: str,
    motivering_text: str,
    seen_calculation_id: int | None = None,
    **fields: Any,
):
    """Change one item of the proposal and recalculate it with the rules engine.

    ``kind``: ``cost`` (``cost_type``, ``amount``: the amount accepted; 0 removes the cost),
    ``add_income`` (``member``, ``income_type``, ``amount``), ``remove_income`` (``index``),
    ``income_amount`` (``index``, ``amount``); ``index`` is the income's position in the
    current calculation's input. The motivering is required and goes into the decision.

    The new calculation is archived (a new ``CalculationSnapshot``) and the proposal points at
    it with the new amount and outcome (its history keeps the old); the change is an
    ``Adjustment`` row. Returns the ``Adjustment``.
    """
    from bistand.workspace.models import Adjustment

    application = proposal.application
    _require_decider(user, application)
    reason = _text(motivering_text, "en motivering till ändringen")
    before = proposal.calculation
    if before is None:
        raise ReviewError(
            "Förslaget har ingen beräkning att ändra: roboten kunde inte beräkna ansökan (se "
            "flaggan). Tryck Beräkna igen när orsaken är åtgärdad."
        )
    data = before.trace["input"]
    members = {m["id"] for m in data["members"]}
    change = _change(kind, data, fields, members)
    try:
        result = calculate_json(apply_change(data, kind, change))
    except RulesError as error:
        raise ReviewError(f"Beräkningen gick inte att göra med ändringen: {error}") from None
    actor = Actor.user(user)
    description = _describe(kind, change, _labels(application))
    with transaction.atomic():
        _lock_ready(proposal, seen_calculation_id or before.pk)
        after = snapshot(application, result, actor)
        flags = [f for f in proposal.flags if f["code"] not in RULES_FLAGS]
        proposal.flags = flags + [flag.to_json() for flag in result.flags]
        proposal.calculation = after
        proposal.amount_ore = after.amount_ore
        proposal.outcome = Outcome.GRANT if after.amount_ore > 0 else Outcome.REFUSAL
        proposal.save()
        adjustment = Adjustment.objects.create(
            proposal=proposal,
            kind=kind,
            change=change,
            description=description[:300],
            motivering=reason,
            before=before,
            after=after,
            made_by=user,
        )
        record(
            "proposal.adjusted",
            actor=actor,
            case_id=application.case_id,
            subject=f"application:{application.pk}",
            data={
                "proposal": proposal.pk,
                "adjustment": adjustment.pk,
                "kind": kind,
                "calculation_before": before.pk,
                "calculation_after": after.pk,
                "amount_ore_before": before.amount_ore,
                "amount_ore_after": after.amount_ore,
            },
        )
    return adjustment


# --------------------------------------------------------------------------- decide


def _calculation_text(trace: dict[str, Any]) -> str:
    totals = trace["totals"]
    return (
        f"Hushållets behov för {month_sv(trace['month'])} är "
        f"{format_kr(Decimal(totals['need']))}: riksnormen {format_kr(Decimal(totals['norm']))} "
        f"och skäliga kostnader {format_kr(Decimal(totals['reasonable_costs']))}. Hushållets "
        f"inkomster som räknas är {format_kr(Decimal(totals['counted_income']))}. Enligt "
        f"beräkningen är försörjningsstödet {format_kr(Decimal(totals['amount']))}."
    )


def _adjustments_text(proposal: Proposal) -> str:
    lines = [
        f"{a.description}. Motivering: {a.motivering}"
        for a in proposal.adjustments.order_by("at", "pk")
    ]
    if not lines:
        return ""
    return " Handläggaren har ändrat beräkningen: " + " ".join(
        line if line.endswith(".") else line + "." for line in lines
    )


def decision_reasons(proposal: Proposal, outcome: str, amount_ore: int, why: str = "") -> str:
    """The decision item's motivering: the calculation, the caseworker's changes with their
    motivering, and for a refusal in part or whole the caseworker's reasons."""
    trace = proposal.calculation.trace
    calculated = proposal.calculation.amount_ore
    if outcome == Outcome.PARTIAL:
        text = (
            f"{_calculation_text(trace)} Av det beviljas {format_kr(from_ore(amount_ore))}; "
            f"resten, {format_kr(from_ore(calculated - amount_ore))}, avslås. Skäl: {why}"
        )
    elif outcome == Outcome.REFUSAL and calculated > 0:
        text = f"{_calculation_text(trace)} Ansökan avslås. Skäl: {why}"
    else:
        text = motivering(trace, outcome)
        if why:
            text += f" Handläggarens motivering: {why}"
    return text + _adjustments_text(proposal)


def _policy(application: Application) -> DecisionPolicy | None:
    return DecisionPolicy.objects.filter(municipality_id=application.case.municipality_id).first()


def _decide(
    proposal: Proposal,
    *,
    user,
    outcome: str,
    amount_ore: int,
    why: str,
    seen_calculation_id: int | None,
) -> ReviewResult:
    from bistand.workspace.models import FourEyesApproval

    application = proposal.application
    _require_decider(user, application)
    actor = Actor.user(user)
    policy = _policy(application)
    limit = policy.four_eyes_limit_ore if policy else None
    try:
        with transaction.atomic():
            _lock_ready(proposal, seen_calculation_id)
            _require_kommunicering(proposal, outcome, amount_ore)
            first = None
            if limit is not None and amount_ore > limit:
                first = (
                    FourEyesApproval.objects.filter(
                        proposal=proposal,
                        calculation=proposal.calculation,
                        outcome=outcome,
                        amount_ore=amount_ore,
                    )
                    .exclude(approved_by=user)
                    .first()
                )
                if first is None:
                    if FourEyesApproval.objects.filter(
                        proposal=proposal,
                        calculation=proposal.calculation,
                        outcome=outcome,
                        amount_ore=amount_ore,
                        approved_by=user,
                    ).exists():
                        raise ReviewError(
                            "Du har redan godkänt beslutet. Fyraögonsprincipen kräver att en "
                            "annan handläggare godkänner det innan det fattas."
                        )
                    approval = FourEyesApproval.objects.create(
                        proposal=proposal,
                        calculation=proposal.calculation,
                        outcome=outcome,
                        amount_ore=amount_ore,
                        motivering=why,
                        approved_by=user,
                    )
                    record(
                        "decision.first_approval",
                        actor=actor,
                        case_id=application.case_id,
                        subject=f"application:{application.pk}",
                        data={
                            "proposal": proposal.pk,
                            "approval": approval.pk,
                            "outcome": outcome,
                            "amount_ore": amount_ore,
                            "limit_ore": limit,
                        },
                    )
                    return ReviewResult(first_approval=approval)
                why = first.motivering or why
            if (proposal.outcome, proposal.amount_ore) != (outcome, amount_ore):
                proposal.outcome, proposal.amount_ore = outcome, amount_ore
                proposal.save()
            decision = decide_from_proposal(
                proposal,
                actor=actor,
                user=user,
                policy=policy,
                four_eyes_approver=first.approved_by if first is not None else None,
            )
            item = decision.items.get()
            item.reasons = decision_reasons(proposal, outcome, amount_ore, why)
            item.save()
            if first is not None:
                record(
                    "decision.second_approval",
                    actor=actor,
                    case_id=application.case_id,
                    subject=f"decision:{decision.pk}",
                    data={
                        "decision": decision.pk,
                        "first_approval": first.pk,
                        "first_approver": first.approved_by_id,
                        "limit_ore": limit,
                    },
                )
    except (IntegrityError, ConcurrentTransition, IllegalTransition):
        raise _already_handled(application) from None
    return ReviewResult(decision=decision)


def approve(proposal: Proposal, *, user, seen_calculation_id: int | None = None) -> ReviewResult:
    """Decide as proposed (with the caseworker's changes, if any), by ``user``.

    Above the municipality's four-eyes limit the first approval is recorded and a second,
    different caseworker's approval makes the decision.
    """
    return _decide(
        proposal,
        user=user,
        outcome=proposal.outcome,
        amount_ore=proposal.amount_ore,
        why="",
        # What is approved is the proposal as read now: a change made meanwhile is refused.
        seen_calculation_id=seen_calculation_id or proposal.calculation_id,
    )


def refuse(
    proposal: Proposal,
    *,
    user,
    motivering_text: str,
    amount: Any = None,
    seen_calculation_id: int | None = None,
) -> ReviewResult:
    """Refuse in whole (``amount`` None or 0) or in part (grant ``amount`` kronor, less than
    proposed), with the caseworker's motivering, which goes into the decision."""
    why = _text(motivering_text, "en motivering till avslaget")
    proposed = proposal.amount_ore
    granted = 0 if amount in (None, "") else to_ore(_amount(amount, "beviljat belopp"))
    if granted and granted >= proposed:
        raise ReviewError(
            f"Ett delvis avslag ska bevilja mindre än förslaget ({format_kr(from_ore(proposed))})."
        )
    outcome = Outcome.PARTIAL if granted else Outcome.REFUSAL
    return _decide(
        proposal,
        user=user,
        outcome=outcome,
        amount_ore=granted,
        why=why,
        seen_calculation_id=seen_calculation_id or proposal.calculation_id,
    )


def confirm_first_approval(approval, *, user) -> ReviewResult:
    """The second approval under the four-eyes rule: decide as the first approver approved."""
    return _decide(
        approval.proposal,
        user=user,
        outcome=approval.outcome,
        amount_ore=approval.amount_ore,
        why=approval.motivering,
        seen_calculation_id=approval.calculation_id,
    )


# --------------------------------------------------------------------------- other actions


def request_completion(application: Application, *, user, message: str):
    """Ask the applicant for more information; the application waits in completion_requested."""
    from bistand.workspace.models import CompletionRequest

    _require_decider(user, application)
    text = _text(message, "vad den sökande behöver komplettera med")
    actor = Actor.user(user)
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.state != State.PROPOSAL_READY:
                raise _already_handled(locked)
            request = CompletionRequest.objects.create(
                application=locked, message=text, requested_by=user
            )
            transition(
                locked,
                State.COMPLETION_REQUESTED,
                actor=actor,
                from_state=State.PROPOSAL_READY,
                reason="komplettering begärd",
            )
            record(
                "completion.requested",
                actor=actor,
                case_id=application.case_id,
                subject=f"application:{application.pk}",
                data={"completion_request": request.pk},
            )
    except (IntegrityError, ConcurrentTransition, IllegalTransition):
        raise _already_handled(application) from None
    application.state = locked.state
    return request


def add_journal_note(case: Case, *, user, text: str, application: Application | None = None):
    """Append a journal note to the case (never changed or removed afterwards)."""
    from bistand.workspace.models import JournalNote

    if not access.can_decide(user) or not access.cases_visible_to(user).filter(pk=case.pk).exists():
        raise PermissionDenied("Du har inte behörighet att skriva i journalen.")
    body = _text(text, "anteckningen")
    with transaction.atomic():
        note = JournalNote.objects.create(
            case=case, application=application, author=user, text=body
        )
        record(
            "journal.note_added",
            actor=Actor.user(user),
            case_id=case.pk,
            subject=f"case:{case.pk}",
            data={"note": note.pk, "application": application.pk if application else None},
        )
    return note


def assign(application: Application, *, user, to_user=None):
    """``user`` takes the application (``to_user`` None or themselves), or a team lead assigns
    it to a caseworker who sees the case. A caseworker cannot take work someone else has."""
    from bistand.workspace.models import Assignment

    _require_decider(user, application)
    target = to_user or user
    if target.pk != user.pk:
        if not access.has_role(user, Role.TEAM_LEAD):
            raise PermissionDenied("Bara en gruppledare kan fördela ärenden till andra.")
        if not (
            access.can_decide(target)
            and access.applications_visible_to(target).filter(pk=application.pk).exists()
        ):
            raise ReviewError("Den handläggaren kan inte handlägga det här ärendet.")
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        current = Assignment.objects.filter(application=application).first()
        if (
            current is not None
            and current.user_id not in (target.pk,)
            and not access.has_role(user, Role.TEAM_LEAD)
        ):
            raise ReviewError(
                f"Ärendet är redan tilldelat {current.user.get_full_name() or current.user}."
            )
        if current is None:
            current = Assignment(application=application)
        current.user, current.assigned_by = target, user
        current.at = timezone.now()
        current.save()
        record(
            "application.assigned",
            actor=Actor.user(user),
            case_id=application.case_id,
            subject=f"application:{application.pk}",
            data={"to_user": target.pk, "by_user": user.pk},
        )
    return current


def record_stickprov_outcome(control, *, user, outcome: str, note: str = ""):
    """A team lead records the outcome of a stickprov control."""
    from .stickprov import record_outcome

    if not access.has_role(user, Role.TEAM_LEAD):
        raise PermissionDenied("Bara en gruppledare registrerar stickprovskontroller.")
    if not access.applications_visible_to(user).filter(pk=control.decision.application_id).exists():
        raise PermissionDenied("Du har inte behörighet till ärendet.")
    try:
        return record_outcome(
            control, outcome, actor=Actor.user(user), note=note.strip()[:MAX_TEXT]
        )
    except ValueError:
        raise ReviewError("Välj resultatet av kontrollen.") from None


def archive_letter(decision: Decision, *, user):
    """The decision's letter, archived once (``bistand.letters.services.archive_letter``).

    Returns None if the letters app cannot make one; raises ``ReviewError`` with the reason if
    the decision lacks something a letter must say.
    """
    try:
        from bistand.letters.services import LetterError
        from bistand.letters.services import archive_letter as archive
    except ImportError:  # pragma: no cover - the letters app is part of the project
        return None
    try:
        return archive(decision, actor=Actor.user(user))
    except LetterError as error:
        raise ReviewError(f"Beslutsbrevet kunde inte skapas: {error}") from None
