"""The case view: one application with its household, registers, proposal, flags, decisions,
letters and journal (the access is logged)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from bistand.cases.models import Application, State
from bistand.decisions import review
from bistand.decisions.models import Decision, Proposal
from bistand.robot.models import RegisterFetch
from bistand.rules.explain import month_sv
from bistand.staff import access
from bistand.staff.models import Role

from .. import caseview, forms, queues
from ..guards import staff_view, visible_application
from ..models import Adjustment, Assignment, CompletionRequest, FourEyesApproval, JournalNote
from .applicant import panel
from .common import PURPOSE

# --------------------------------------------------------------------------- the case view


@dataclass
class Choices:
    """What the change forms offer, from the application and the proposal's current input."""

    cost_types: dict[str, str]
    members: list[tuple[str, str]]
    income_types: dict[str, str]
    incomes: list[tuple[int, str]]


def _choices(application: Application, proposal) -> Choices:
    trace_input = (
        proposal.calculation.trace["input"] if proposal and proposal.calculated else {"incomes": []}
    )
    members = review.member_choices(application)
    names = dict(members)
    income_types = review.known_income_types(application.month)
    return Choices(
        cost_types=review.cost_types(application.month),
        members=members,
        income_types=income_types,
        incomes=[
            (
                i,
                f"{income_types.get(item['type'], item['type'])}, "
                f"{names.get(item['member'], item['member'])}: {caseview.kr(item['amount'])}",
            )
            for i, item in enumerate(trace_input.get("incomes", []))
        ],
    )


def _proposal_forms(choices: Choices, proposal, bound: dict | None = None) -> dict:
    """The forms of the case view; ``bound`` replaces one with the posted (invalid) form."""
    bound = bound or {}
    initial = {"calculation": proposal.calculation_id} if proposal else {}
    made = {
        "approve": lambda: forms.ApproveForm(initial=initial),
        "cost": lambda: forms.CostForm(initial=initial, cost_types=choices.cost_types),
        "add_income": lambda: forms.AddIncomeForm(
            initial=initial, members=choices.members, income_types=choices.income_types
        ),
        "income": lambda: forms.IncomeForm(initial=initial, incomes=choices.incomes),
        "refuse": lambda: forms.RefuseForm(initial=initial),
        "completion": lambda: forms.CompletionForm(),
        "journal": lambda: forms.JournalForm(),
    }
    return {name: bound.get(name) or make() for name, make in made.items()}


def _assign_users(application: Application):
    """(pk, name) of the caseworkers and team leads who see the application."""
    candidates = (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff__municipality_id=application.case.municipality_id,
            groups__name__in=sorted(access.DECIDERS),
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    out = []
    for candidate in candidates:
        if access.applications_visible_to(candidate).filter(pk=application.pk).exists():
            out.append((candidate.pk, candidate.get_full_name() or candidate.get_username()))
    return out


def _case_page(request, pk: int, *, bound: dict | None = None, status: int = 200):
    user = request.user
    application = visible_application(user, pk)
    case = access.open_case(user, application.case_id, purpose=PURPOSE, view="workspace.case")
    application.case = case
    proposal = (
        Proposal.objects.select_related("calculation").filter(application=application).first()
    )
    fetches = list(RegisterFetch.objects.filter(application=application).select_related("person"))
    income_rows, register_people = caseview.registers(application, fetches)
    had_previous, change_rows = caseview.changes_since_last_month(application)
    decision = caseview.decision_of(application)
    letter = _letter_of(decision) if decision is not None else None
    can_decide = access.can_decide(user)
    is_team_lead = access.has_role(user, Role.TEAM_LEAD)
    choices = _choices(application, proposal)
    page_forms = _proposal_forms(choices, proposal, bound=bound)
    errors = []
    for form in (bound or {}).values():
        for field, field_errors in form.errors.items():
            target = form[field].auto_id if field != "__all__" else ""
            if field == "kind":
                target = f"{form['kind'].auto_id}_0"
            label = form[field].label if field != "__all__" else ""
            errors += [(target, f"{label}: {m}" if label else m) for m in field_errors]
    pending_approvals = []
    if proposal is not None and application.state == State.PROPOSAL_READY:
        pending_approvals = list(
            FourEyesApproval.objects.filter(
                proposal=proposal, calculation_id=proposal.calculation_id
            ).select_related("approved_by")
        )
    assignment = Assignment.objects.filter(application=application).select_related("user").first()
    context = {
        "application": application,
        "case": case,
        "month": month_sv(application.month),
        "clock": queues.clock(application.submitted_at),
        "proposal": proposal,
        "flags": caseview.flags(proposal, application.month),
        "calculation": caseview.calculation(proposal.calculation)
        if proposal and proposal.calculated
        else None,
        "members": caseview.household(application),
        "income_rows": income_rows,
        "register_people": register_people,
        "costs": [
            (choices.cost_types.get(c["type"], c["type"]), caseview.kr(c["amount"]))
            for c in application.declared.get("costs", [])
        ],
        "other_needs": [
            (n.get("description", ""), caseview.kr(n.get("amount", "0")))
            for n in application.declared.get("other_needs", [])
        ],
        "assets": [
            (a.get("description") or a.get("type", ""), caseview.kr(a.get("value", "0")))
            for a in application.declared.get("assets", [])
        ],
        "changes_text": application.declared.get("changes", ""),
        "had_previous": had_previous,
        "change_rows": change_rows,
        "earlier": caseview.earlier_months(application),
        "transitions": caseview.history(application),
        "journal": JournalNote.objects.filter(case=case).select_related("author", "application"),
        "adjustments": Adjustment.objects.filter(proposal=proposal).select_related("made_by")
        if proposal
        else [],
        "completion_requests": CompletionRequest.objects.filter(
            application=application
        ).select_related("requested_by"),
        "pending_approvals": pending_approvals,
        "decision": decision,
        "decision_by": caseview.decided_by(decision) if decision else "",
        "letter": letter,
        "assignment": assignment,
        "assign_form": forms.AssignForm(users=_assign_users(application))
        if is_team_lead and application.state in queues.OPEN_STATES
        else None,
        "can_decide": can_decide,
        "is_team_lead": is_team_lead,
        "is_open": application.state in queues.OPEN_STATES,
        "can_act": can_decide
        and proposal is not None
        and proposal.calculated
        and application.state == State.PROPOSAL_READY,
        # The robot could not calculate: no decision as it stands, but completion and
        # "Beräkna igen" (bistand/robot/handover.py).
        "can_recalculate": can_decide
        and proposal is not None
        and not proposal.calculated
        and application.state == State.PROPOSAL_READY,
        "four_eyes_limit": getattr(
            getattr(case.municipality, "policy", None), "four_eyes_limit_ore", None
        ),
        "errors": errors,
        "forms": page_forms,
    }

    context["from_applicant"] = panel(application, request.user)
    return render(request, "workspace/application.html", context, status=status)


def _letter_of(decision: Decision):
    try:
        from bistand.letters.services import existing_letter
    except ImportError:  # pragma: no cover - the letters app is part of the project
        return None
    return existing_letter(decision)


@require_GET
@staff_view
def application_detail(request, pk: int):
    return _case_page(request, pk)


# ------------------------------------------------ what the actions share (decide.py, work.py)


def _proposal_of(application: Application):
    proposal = (
        Proposal.objects.filter(application=application).select_related("calculation").first()
    )
    if proposal is None:
        raise Http404("Ansökan har inget beslutsförslag.")
    proposal.application = application
    return proposal


def _after_decision(request, result: review.ReviewResult) -> None:
    if result.decision is None:
        messages.info(request, result.message)
        return
    messages.success(request, result.message)
    try:
        letter = review.archive_letter(result.decision, user=request.user)
    except review.ReviewError as error:
        messages.warning(request, str(error))
        return
    if letter is not None:
        messages.info(request, "Beslutsbrevet är arkiverat och kan laddas ner.")


def _run(request, application, name: str, form, action):
    """Run a review action: conflicts become a message and a redirect; other refusals are
    shown on the form."""
    try:
        outcome = action()
    except (review.AlreadyHandled, review.ProposalChanged) as error:
        messages.error(request, str(error))
        return redirect("workspace:application", pk=application.pk)
    except review.ReviewError as error:
        form.add_error(None, str(error))
        return _case_page(request, application.pk, bound={name: form}, status=400)
    return outcome
