"""The caseworker's closing page, the queue of the robot's closing proposals, and recording
försörjningshinder on the case view (docs/outcomes.md).

Permissions as every case action in the workspace (bistand/workspace/guards.py): not
logged in → login; no staff role → 403; a case the user does not see (another unit, protected
identity) → 404; only a role that decides may close, dismiss or record → 403 otherwise. Opening
the closing page writes the access log. No personal data in addresses: only ids.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bistand.audit.services import Actor
from bistand.cases.models import Application, Person, State
from bistand.decisions.models import Outcome
from bistand.rules.explain import month_sv
from bistand.rules.period import Month
from bistand.staff import access
from bistand.workspace.guards import for_action as _for_action
from bistand.workspace.guards import staff_view

from . import services
from .forms import AdultMonthForm, ClosingForm, DismissForm
from .models import AdultMonthSource, ClosureProposal, ProposalStatus

PURPOSE = "handläggning: avslut"


def _errors(form) -> list[tuple[str, str]]:
    """(field id, message) for the error summary; the message names the field."""
    found = []
    for name, field_errors in form.errors.items():
        if name == "__all__":
            found += [("", m) for m in field_errors]
        else:
            found += [(form[name].auto_id, m) for m in field_errors]
    return found


def _default_last_month(case) -> str:
    """The latest month with granted assistance (a decision of bifall or delvis bifall; a
    refused month is not a month with assistance), else the latest month applied for."""
    months = case.applications.exclude(state__in=[State.DRAFT, State.WITHDRAWN]).order_by("-month")
    granted = months.filter(
        state__in=[State.DECIDED, State.PAID],
        decision__outcome__in=[Outcome.GRANT, Outcome.PARTIAL],
    ).values_list("month", flat=True)
    return granted.first() or months.values_list("month", flat=True).first() or ""


@require_http_methods(["GET", "POST"])
@staff_view
def close(request, pk: int):
    """Avsluta ärendet: an avslutsorsak per adult, the last month with assistance, confirmed."""
    application = _for_action(request, pk)
    case = access.open_case(
        request.user, application.case_id, purpose=PURPOSE, view="outcomes.close"
    )
    period = services.current_period(case)
    proposal = (
        ClosureProposal.objects.filter(case=case, status=ProposalStatus.OPEN).first()
        if period is not None and period.is_open
        else None
    )
    month = request.POST.get("last_month", "") or _default_last_month(case)
    try:
        table_month = str(Month.parse(month))
        services.code_table_version(services.EXIT_REASONS, table_month)
    except Exception:
        # not a month, or one before the code table's first version: the form is built
        # with the suggested month's table and says what is wrong with the field
        table_month = _default_last_month(case) or application.month
    adults = services.adults(case, table_month)
    suggested = "unknown" if proposal is not None and request.GET.get("forslag") else ""
    form = ClosingForm(
        request.POST if request.method == "POST" else None,
        adults=adults,
        month=table_month,
        suggested=suggested,
        initial={"last_month": month},
    )
    busy = services.applications_in_process(case)
    status = 200
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                services.close_period(
                    case,
                    last_month=form.cleaned_data["last_month"],
                    reasons=form.reasons(),
                    actor=Actor.user(request.user),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, field_errors in error.message_dict.items():
                        target = form[field].auto_id if field in form.fields else ""
                        errors += [(target, m) for m in field_errors]
                        if field in form.fields:
                            form.add_error(field, field_errors)
                else:
                    errors += [("", m) for m in error.messages]
            else:
                messages.success(
                    request,
                    f"Ärendet {case.reference} är avslutat. Sista månad med bistånd: "
                    f"{month_sv(form.cleaned_data['last_month'])}.",
                )
                return redirect("workspace:application", pk=application.pk)
        else:
            errors = _errors(form)
        status = 400
    context = {
        "application": application,
        "case": case,
        "period": period,
        "proposal": proposal,
        "busy": busy,
        "form": form,
        "errors": errors,
        "month": month_sv(application.month),
    }
    return render(request, "outcomes/close.html", context, status=status)


@require_POST
@staff_view
def record_adult_month(request, pk: int):
    """The caseworker records or corrects one adult's försörjningshinder and insats."""
    application = _for_action(request, pk)
    form = AdultMonthForm(request.POST, month=application.month)
    if not form.is_valid():
        messages.error(request, "Välj försörjningshinder och insats i listorna.")
        return redirect("workspace:application", pk=pk)
    person = get_object_or_404(Person, pk=form.cleaned_data["person"])
    try:
        services.record_adult_month(
            application,
            person,
            hinder=form.cleaned_data["hinder"],
            activity=form.cleaned_data["activity"],
            source=AdultMonthSource.CASEWORKER,
            actor=Actor.user(request.user),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Försörjningshinder och insats för {month_sv(application.month)} är sparade.",
        )
    return redirect(f"{application_url(application)}#forsorjningshinder")


def application_url(application: Application) -> str:
    return reverse("workspace:application", args=[application.pk])


def _visible_proposals(user):
    return ClosureProposal.objects.filter(case__in=access.cases_visible_to(user))


@require_GET
@staff_view
def proposals(request):
    """The robot's open closing proposals in the cases the user sees, oldest first."""
    latest = (
        Application.objects.filter(case=OuterRef("case_id"))
        .exclude(state=State.WITHDRAWN)
        .order_by("-month", "-pk")
        .values("pk")[:1]
    )
    rows = (
        _visible_proposals(request.user)
        .filter(status=ProposalStatus.OPEN)
        .filter(Exists(Application.objects.filter(case=OuterRef("case_id"))))
        .select_related("case__unit")
        .annotate(application_id=Subquery(latest))
        .order_by("proposed_at", "pk")
    )
    page = list(rows[:500])
    return render(
        request,
        "outcomes/proposals.html",
        {
            "proposals": page,
            "more": len(page) == 500,
            "can_decide": access.can_decide(request.user),
        },
    )


@require_POST
@staff_view
def dismiss(request, proposal_pk: int):
    """Keep the case open: the proposal is dismissed with the caseworker's reason."""
    proposal = get_object_or_404(_visible_proposals(request.user), pk=proposal_pk)
    if not access.can_decide(request.user):
        raise PermissionDenied("Du har bara läsbehörighet.")
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Skriv varför ärendet ska vara öppet.")
    else:
        try:
            services.dismiss_proposal(
                proposal, reason=form.cleaned_data["reason"], actor=Actor.user(request.user)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"Förslaget om avslut för {proposal.case.reference} är avfärdat."
            )
    target = request.POST.get("application", "")
    if (
        target.isdigit()
        and Application.objects.filter(pk=int(target), case_id=proposal.case_id).exists()
    ):
        return redirect("workspace:application", pk=int(target))
    return redirect("outcomes:proposals")
