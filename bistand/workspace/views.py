"""The caseworker's pages. Thin: permissions through ``bistand.staff.access``, the work in
``bistand.decisions.review`` and the read models in ``queues`` and ``caseview``.

* not logged in → the login page; logged in without a staff role → 403;
* an application or decision the user does not see → 404 (its existence does not leak);
* every POST needs a role that decides (caseworker, team lead) → otherwise 403;
* opening a case (the case view, a letter) writes the access log via ``access.open_case``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from bistand.audit.services import Actor, record
from bistand.cases.models import Application, State, Unit
from bistand.decisions import review
from bistand.decisions.models import Decision, Proposal, StickprovControl
from bistand.robot import handover
from bistand.robot.models import RegisterFetch
from bistand.rules.explain import month_sv
from bistand.rules.money import AmountError, parse_amount
from bistand.staff import access
from bistand.staff.models import Role

from . import caseview, forms, queues
from .guards import for_action as _for_action
from .guards import staff_view
from .guards import visible_application as _visible_application
from .models import Adjustment, Assignment, CompletionRequest, FourEyesApproval, JournalNote

PURPOSE = "handläggning"
PAGE_SIZE = 50


def _back(request, application: Application):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("workspace:application", pk=application.pk)


# --------------------------------------------------------------------------- queues


@require_GET
@staff_view
def queue_list(request, queue: str = "att-besluta"):
    current = queues.BY_SLUG.get(queue)
    if current is None:
        raise Http404("Kön finns inte.")
    user = request.user
    filters = queues.Filters.from_query(request.GET)
    overview = queues.overview(user, filters)
    counts = overview.counts
    if current.condition is None:
        listing = filters.apply_to_controls(queues.pending_controls(user))
    else:
        listing = queues.rows(user, current, filters)
    paginator = Paginator(listing, PAGE_SIZE)
    # The counts query has already counted this queue under the same filters: the pager need
    # not count it again (one query fewer over the queue's rows).
    paginator.count = counts[current.slug]
    page = paginator.get_page(request.GET.get("sida"))
    now = timezone.now()
    rows = []
    for item in page.object_list:
        if current.condition is None:
            rows.append(
                {"control": item, "form": forms.StickprovForm(prefix=f"kontroll-{item.pk}")}
            )
            continue
        proposal = getattr(item, "proposal", None)
        assignment = getattr(item, "assignment", None)
        rows.append(
            {
                "application": item,
                "month": month_sv(item.month),
                "applicant": queues.applicant_masked(item),
                "proposal": proposal,
                "flags": [
                    queues.FLAG_LABELS.get(code, code)
                    for code in (proposal.flag_codes if proposal else [])
                ],
                "assignment": assignment,
                "clock": queues.clock(item.submitted_at, now),
            }
        )
    staff = access.profile(user)
    units = (
        Unit.objects.filter(municipality_id=staff.municipality_id)
        if access.roles(user) & access.MUNICIPALITY_WIDE
        else staff.units.all()
    ).order_by("name")
    query = request.GET.copy()
    query.pop("sida", None)
    from .applicant import unread_from_applicants

    return render(
        request,
        "workspace/queues.html",
        {
            "queues": [(q, counts.get(q.slug, 0)) for q in queues.QUEUES],
            "current": current,
            "filters": filters,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "units": units,
            "months": [(m, month_sv(m)) for m in overview.months],
            "flag_labels": sorted(queues.FLAG_LABELS.items(), key=lambda kv: kv[1]),
            "assigned_choices": queues.ASSIGNED.items(),
            "sorts": [(key, label) for key, (label, _) in queues.SORTS.items()],
            "can_decide": access.can_decide(user),
            "is_team_lead": access.has_role(user, Role.TEAM_LEAD),
            "may_pay": access.has_role(user, *PAYMENT_ROLES),
            "unread": unread_from_applicants(user),
        },
    )


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
    application = _visible_application(user, pk)
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
    from .applicant import panel

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


# --------------------------------------------------------------------------- actions


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


@require_POST
@staff_view
def approve(request, pk: int):
    application = _for_action(request, pk)
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
    application = _for_action(request, pk)
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
    application = _for_action(request, pk)
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
    application = _for_action(request, pk)
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
    application = _for_action(request, pk)
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
    application = _for_action(request, pk)
    try:
        handover.recalculate(
            application, actor=Actor.user(request.user), reason="handläggaren: beräkna igen"
        )
    except handover.NotStopped as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Ansökan är skickad till roboten för att beräknas igen.")
    return redirect("workspace:application", pk=pk)


@require_POST
@staff_view
def journal(request, pk: int):
    application = _for_action(request, pk)
    form = forms.JournalForm(request.POST)
    if not form.is_valid():
        return _case_page(request, pk, bound={"journal": form}, status=400)
    result = _run(
        request,
        application,
        "journal",
        form,
        lambda: review.add_journal_note(
            application.case,
            user=request.user,
            text=form.cleaned_data["text"],
            application=application,
        ),
    )
    if isinstance(result, HttpResponse):
        return result
    messages.success(request, "Journalanteckningen är sparad.")
    return redirect("workspace:application", pk=pk)


@require_POST
@staff_view
def take(request, pk: int):
    application = _for_action(request, pk)
    try:
        review.assign(application, user=request.user)
    except review.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Du har tagit ärendet {application.case.reference}.")
    return _back(request, application)


@require_POST
@staff_view
def assign(request, pk: int):
    application = _for_action(request, pk)
    if not access.has_role(request.user, Role.TEAM_LEAD):
        raise PermissionDenied("Bara en gruppledare kan fördela ärenden.")
    form = forms.AssignForm(request.POST, users=_assign_users(application))
    if not form.is_valid():
        messages.error(request, "Välj en handläggare som kan handlägga ärendet.")
        return redirect("workspace:application", pk=pk)
    target = get_user_model().objects.get(pk=form.cleaned_data["user"])
    try:
        review.assign(application, user=request.user, to_user=target)
    except review.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"Ärendet är tilldelat {target.get_full_name() or target.get_username()}."
        )
    return _back(request, application)


@require_POST
@staff_view
def stickprov_outcome(request, pk: int):
    visible = queues.visible_applications(request.user)
    control = get_object_or_404(
        StickprovControl.objects.select_related("decision__application").filter(
            Exists(visible.filter(pk=OuterRef("decision__application_id")))
        ),
        pk=pk,
    )
    if not access.has_role(request.user, Role.TEAM_LEAD):
        raise PermissionDenied("Bara en gruppledare registrerar stickprovskontroller.")
    form = forms.StickprovForm(request.POST, prefix=f"kontroll-{control.pk}")
    if not form.is_valid():
        messages.error(request, "Välj resultatet av kontrollen.")
    else:
        try:
            review.record_stickprov_outcome(
                control,
                user=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except review.ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Kontrollen av {control.decision.application.case.reference} är registrerad.",
            )
    return redirect(reverse("workspace:queue", args=["stickprov"]))


# --------------------------------------------------------------------------- the letter


@require_GET
@staff_view
def letter_pdf(request, pk: int):
    user = request.user
    visible = queues.visible_applications(user)
    decision = get_object_or_404(
        Decision.objects.select_related("application__case").filter(
            Exists(visible.filter(pk=OuterRef("application_id")))
        ),
        pk=pk,
    )
    access.open_case(
        user,
        decision.application.case_id,
        purpose=f"{PURPOSE}: beslutsbrev",
        view="workspace.letter",
    )
    try:
        from bistand.letters.services import existing_letter, letter_pdf_response
    except ImportError:  # pragma: no cover - the letters app is part of the project
        raise Http404("Beslutsbrev finns inte.") from None
    letter = existing_letter(decision)
    if letter is None and access.can_decide(user):
        try:
            letter = review.archive_letter(decision, user=user)
        except review.ReviewError as error:
            messages.error(request, str(error))
            return redirect("workspace:application", pk=decision.application_id)
    if letter is None:
        raise Http404("Beslutsbrevet är inte arkiverat ännu.")
    return letter_pdf_response(letter, download=True)


# --------------------------------------------------------------------------- payments


#: Who makes the day's payment file: those who decide (the issue's "Done when" has the
#: caseworker export it after deciding) and the administrator.
PAYMENT_ROLES = (Role.CASEWORKER, Role.TEAM_LEAD, Role.ADMINISTRATOR)
#: Who downloads the files. They name and pay every recipient in the municipality, beyond the
#: units a caseworker sees, so not the caseworker.
PAYMENT_FILE_ROLES = (Role.TEAM_LEAD, Role.ADMINISTRATOR)


def _payments_staff(request):
    return access.require_role(request.user, *PAYMENT_ROLES)


def _visible_skipped(user, skipped: list) -> tuple[list, int]:
    """The orders left out of the file in cases the user sees, and how many others."""
    references = {item.case_reference for item in skipped}
    visible = set(
        access.cases_visible_to(user)
        .filter(reference__in=references)
        .values_list("reference", flat=True)
    )
    shown = [item for item in skipped if item.case_reference in visible]
    return shown, len(skipped) - len(shown)


@staff_view
def payments(request):
    staff = _payments_staff(request)
    municipality = staff.municipality
    try:
        from bistand.payments import services as payment_services
        from bistand.payments.models import PaymentBatch
    except ImportError:  # the payment export is not installed yet
        payment_services = PaymentBatch = None
    available = payment_services is not None and hasattr(payment_services, "export_batch")
    today = timezone.localdate()
    form = forms.PaymentExportForm(
        request.POST or None,
        # Orders fall due the bank day after their decision: today's file pays them then.
        initial={
            "execution_date": payment_services.next_bank_day(today)
            if hasattr(payment_services, "next_bank_day")
            else today
        },
    )
    skipped, skipped_elsewhere = [], 0
    status = 200
    if request.method == "POST":
        if not available:
            messages.error(request, "Betalfilen kan inte skapas: betalningsexporten saknas.")
            return redirect("workspace:payments")
        if form.is_valid():
            try:
                result = payment_services.export_batch(
                    municipality,
                    form.cleaned_data["execution_date"],
                    actor=Actor.user(request.user),
                )
            except payment_services.ExportError as error:
                form.add_error("execution_date", str(error))
                status = 400
            else:
                if result.batch is None:
                    messages.info(request, "Det fanns inga nya betalningar att skicka.")
                else:
                    messages.success(
                        request,
                        f"Betalfilen är skapad: {result.batch.order_count} "
                        f"{'betalning' if result.batch.order_count == 1 else 'betalningar'}.",
                    )
                if not result.skipped:
                    return redirect("workspace:payments")
                skipped, skipped_elsewhere = _visible_skipped(request.user, result.skipped)
        else:
            status = 400
    elif request.method != "GET":
        return HttpResponse(status=405)
    batches = (
        PaymentBatch.objects.filter(municipality=municipality).order_by("-created_at", "-pk")[:50]
        if PaymentBatch is not None
        else []
    )
    errors = [
        (form[field].auto_id, f"{form[field].label}: {message}")
        for field, field_errors in form.errors.items()
        for message in field_errors
    ]
    return render(
        request,
        "workspace/payments.html",
        {
            "available": available,
            "form": form,
            "batches": batches,
            "skipped": skipped,
            "skipped_elsewhere": skipped_elsewhere,
            "may_download": access.has_role(request.user, *PAYMENT_FILE_ROLES),
            "errors": errors,
            "municipality": municipality,
        },
        status=status,
    )


@require_GET
@staff_view
def payment_file(request, pk: int, kind: str):
    staff = access.require_role(request.user, *PAYMENT_FILE_ROLES)
    try:
        from bistand.payments import files
        from bistand.payments.models import PaymentBatch
    except ImportError:
        raise Http404("Betalfilen finns inte.") from None
    batch = get_object_or_404(PaymentBatch, pk=pk, municipality_id=staff.municipality_id)
    xml_path, csv_path = files.final_paths(batch)
    path = {"xml": xml_path, "csv": csv_path}.get(kind)
    if path is None or not path.exists():
        raise Http404("Betalfilen finns inte.")
    record(
        "payment.file_downloaded",
        actor=Actor.user(request.user),
        subject=f"payment_batch:{batch.pk}",
        data={"batch": batch.pk, "file": kind},
    )
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=path.name,
        content_type="application/xml" if kind == "xml" else "text/csv",
    )
    response["Cache-Control"] = "private, no-store"
    return response
