"""Deciding on the robot's proposal: approve (with four-eyes where the policy asks), adjust a cost
or an income, refuse, ask for completion, recalculate. The work is in
``bistand.decisions.review``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from bistand.audit.services import Actor
from bistand.decisions import review
from bistand.robot import handover
from bistand.rules.money import AmountError, parse_amount

from .. import caseview, forms
from ..guards import for_action, staff_view
from ..models import FourEyesApproval
from .case import _after_decision, _case_page, _choices, _proposal_of, _run

# --------------------------------------------------------------------------- actions


@require_POST
@staff_view
def approve(request, pk: int):
    application = for_action(request, pk)
    proposal = _proposal_of(application)
    form = forms.ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Formuläret saknade beslutsförslagets version. Läs om sidan.")
        return redirect("workspace:application", pk=pk)
    result = _run(
        request,
        application,
        "approve",
        form,
        lambda: review.approve(
            proposal, user=request.user, seen_calculation_id=form.cleaned_data["calculation"]
        ),
    )
    if isinstance(result, HttpResponse):
        return result
    _after_decision(request, result)
    return redirect("workspace:application", pk=pk)


@require_POST
@staff_view
def confirm_approval(request, pk: int, approval: int):
    application = for_action(request, pk)
    first = get_object_or_404(
        FourEyesApproval.objects.select_related("proposal"),
        pk=approval,
        proposal__application=application,
    )
    first.proposal.application = application
    try:
        result = review.confirm_first_approval(first, user=request.user)
    except review.ReviewError as error:
        messages.error(request, str(error))
        return redirect("workspace:application", pk=pk)
    _after_decision(request, result)
    return redirect("workspace:application", pk=pk)


ADJUST_FORMS = {"cost": "kostnad", "add_income": "ny-inkomst", "income": "inkomst"}


@require_POST
@staff_view
def adjust(request, pk: int, what: str):
    if what not in ADJUST_FORMS:
        raise Http404("Okänd ändring.")
    application = for_action(request, pk)
    proposal = _proposal_of(application)
    choices = _choices(application, proposal)
    if what == "cost":
        form = forms.CostForm(request.POST, cost_types=choices.cost_types)
    elif what == "add_income":
        form = forms.AddIncomeForm(
            request.POST, members=choices.members, income_types=choices.income_types
        )
    else:
        form = forms.IncomeForm(request.POST, incomes=choices.incomes)
    if not form.is_valid():
        return _case_page(request, pk, bound={what: form}, status=400)
    data = form.cleaned_data
    fields = {}
    if what == "cost":
        kind = "cost"
        fields = {"cost_type": data["cost_type"], "amount": data["amount"]}
    elif what == "add_income":
        kind = "add_income"
        fields = {
            "member": data["member"],
            "income_type": data["income_type"],
            "amount": data["amount"],
        }
    else:
        try:
            removing = parse_amount(data["amount"]) == 0
        except AmountError:
            removing = False  # adjust() reports the amount
        kind = "remove_income" if removing else "income_amount"
        fields = {"index": data["index"], "amount": data["amount"]}
    result = _run(
        request,
        application,
        what,
        form,
        lambda: review.adjust(
            proposal,
            user=request.user,
            kind=kind,
            motivering_text=data["motivering"],
            seen_calculation_id=data["calculation"],
            **fields,
        ),
    )
    if isinstance(result, HttpResponse):
        return result
    messages.success(
        request,
        f"Beräkningen är ändrad ({result.description}). Nytt förslag: "
        f"{caseview.kr(result.after.amount_ore / 100)}.",
    )
    return redirect("workspace:application", pk=pk)


@require_POST
@staff_view
def refuse(request, pk: int):
    application = for_action(request, pk)
    proposal = _proposal_of(application)
    form = forms.RefuseForm(request.POST)
    if not form.is_valid():
        return _case_page(request, pk, bound={"refuse": form}, status=400)
    data = form.cleaned_data
    result = _run(
        request,
        application,
        "refuse",
        form,
        lambda: review.refuse(
            proposal,
            user=request.user,
            motivering_text=data["motivering"],
            amount=data["amount"] if data["kind"] == "delvis" else None,
            seen_calculation_id=data["calculation"],
        ),
    )
    if isinstance(result, HttpResponse):
        return result
    _after_decision(request, result)
    return redirect("workspace:application", pk=pk)


@require_POST
@staff_view
def request_completion(request, pk: int):
    application = for_action(request, pk)
    form = forms.CompletionForm(request.POST)
    if not form.is_valid():
        return _case_page(request, pk, bound={"completion": form}, status=400)
    result = _run(
        request,
        application,
        "completion",
        form,
        lambda: review.request_completion(
            application, user=request.user, message=form.cleaned_data["message"]
        ),
    )
    if isinstance(result, HttpResponse):
        return result
    messages.success(request, "Begäran om komplettering är skickad till den sökande.")
    return redirect("workspace:application", pk=pk)


@require_POST
@staff_view
def recalculate(request, pk: int):
    """ "Beräkna igen": back to the robot, for a proposal the robot could not calculate."""
    application = for_action(request, pk)
    try:
        handover.recalculate(
            application, actor=Actor.user(request.user), reason="handläggaren: beräkna igen"
        )
    except handover.NotStopped as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Ansökan är skickad till roboten för att beräknas igen.")
    return redirect("workspace:application", pk=pk)
