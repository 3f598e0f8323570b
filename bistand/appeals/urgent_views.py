"""Delivery and appeals of an urgent decision (nödbistånd, bistand.urgent), FL 40–46 §§.

Staff: the page ``/handlaggning/akut/<id>/overklagande/`` (linked from the urgent request's
page) with the delivery, the appeals, rättidsprövning, avvisning, forwarding with the urgent
letter, the court's outcome and a paper appeal. Same rules as the urgent pages: a request in
a case the user does not see is a 404 (``urgent.views.visible_request``), an action by a role
that only reads a 403 (``urgent.views.request_for_action``).

Mina sidor: ``/mina-sidor/akut/<id>/overklaga/`` for the person's own urgent decisions
(``urgent.views.own_requests``; another person's is a 404). An omprövning of an urgent
decision is a new urgent decision (docs/appeals.md), so there is no omprövning step here.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bistand.eservice import files as eservice_files
from bistand.eservice.session import applicant_required
from bistand.eservice.views.apply import error_list
from bistand.staff import access
from bistand.urgent import views as urgent_views
from bistand.workspace.guards import staff_view

from . import forms, services
from .models import Appeal, AppealAttachment, AppealStatus, CourtOutcome, Timeliness
from .views import PURPOSE, _pdf


def _decision(urgent):
    decision = getattr(urgent, "decision", None)
    if decision is None:
        raise Http404("Det finns inget beslut om akut hjälp att överklaga.")
    return decision


def _back(urgent) -> HttpResponse:
    return redirect(reverse("appeals:urgent", args=[urgent.pk]) + "#overklagande")


def _run(request, urgent, step, success: str):
    try:
        step()
    except services.AppealError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return _back(urgent)


def _errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _appeal(decision, appeal_pk: int) -> Appeal:
    return get_object_or_404(Appeal, pk=appeal_pk, urgent_decision=decision)


def _rows(decision, *, staff: bool) -> list[dict]:
    rows = []
    for appeal in services.urgent_appeals_of(decision):
        ids = f"a{appeal.pk}-%s"
        rows.append(
            {
                "appeal": appeal,
                "found": services.timeliness(appeal),
                "may_examine": appeal.status in services.OPEN_FOR_EXAMINATION,
                "may_dismiss": appeal.status == AppealStatus.EXAMINED
                and appeal.timeliness == Timeliness.LATE,
                "may_forward": appeal.status == AppealStatus.EXAMINED
                and appeal.timeliness != Timeliness.LATE,
                "may_record_court": appeal.status == AppealStatus.FORWARDED,
                "changed_by_court": appeal.court_outcome
                in (CourtOutcome.CHANGED, CourtOutcome.REMANDED),
                "forward_days_left": (appeal.forward_due_on - timezone.localdate()).days
                if appeal.forward_due_on and not appeal.forwarded_on
                else None,
                "dismiss_form": forms.DismissForm(auto_id=ids) if staff else None,
                "forward_form": forms.ForwardForm(auto_id=ids) if staff else None,
                "court_form": forms.CourtForm(auto_id=ids) if staff else None,
            }
        )
    return rows


# --------------------------------------------------------------------------- staff


@never_cache
@require_GET
@staff_view
def page(request, pk: int):
    urgent = urgent_views.visible_request(request.user, pk)
    decision = _decision(urgent)
    access.open_case(request.user, urgent.case_id, purpose=PURPOSE, view="appeals.urgent")
    return render(
        request,
        "appeals/urgent.html",
        {
            "u": urgent,
            "decision": decision,
            "delivery": services.delivery_of(decision),
            "appeals": _rows(decision, staff=True),
            "can_decide": access.can_decide(request.user),
            "post_form": forms.PostForm(auto_id="post-%s"),
            "paper_form": forms.PaperAppealForm(auto_id="paper-%s"),
            "parameters": services.parameters(),
        },
    )


@require_POST
@staff_view
def record_post(request, pk: int):
    urgent = urgent_views.request_for_action(request, pk)
    decision = _decision(urgent)
    form = forms.PostForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _back(urgent)
    data = form.cleaned_data
    return _run(
        request,
        urgent,
        lambda: services.record_post(
            decision,
            user=request.user,
            sent_on=data["sent_on"],
            delivered_on=data["delivered_on"],
            evidence=data["evidence"],
        ),
        "Postgången är registrerad.",
    )


@require_POST
@staff_view
def register_paper(request, pk: int):
    urgent = urgent_views.request_for_action(request, pk)
    decision = _decision(urgent)
    form = forms.PaperAppealForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _back(urgent)
    return _run(
        request,
        urgent,
        lambda: services.register_paper_urgent_appeal(
            decision,
            user=request.user,
            text=form.cleaned_data["text"],
            arrived_on=form.cleaned_data["arrived_on"],
        ),
        "Överklagandet är registrerat. Gör rättidsprövningen.",
    )


def _step(request, pk: int, appeal_pk: int):
    urgent = urgent_views.request_for_action(request, pk)
    return urgent, _appeal(_decision(urgent), appeal_pk)


@require_POST
@staff_view
def examine(request, pk: int, appeal_pk: int):
    urgent, appeal = _step(request, pk, appeal_pk)
    return _run(
        request,
        urgent,
        lambda: services.examine(appeal, user=request.user),
        "Rättidsprövningen är gjord.",
    )


@require_POST
@staff_view
def dismiss(request, pk: int, appeal_pk: int):
    urgent, appeal = _step(request, pk, appeal_pk)
    form = forms.DismissForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _back(urgent)
    return _run(
        request,
        urgent,
        lambda: services.dismiss(appeal, user=request.user, reasons=form.cleaned_data["reasons"]),
        "Överklagandet är avvisat. Beslutsbrevet finns att ladda ner.",
    )


@require_POST
@staff_view
def forward(request, pk: int, appeal_pk: int):
    urgent, appeal = _step(request, pk, appeal_pk)
    form = forms.ForwardForm(request.POST)
    form.is_valid()
    return _run(
        request,
        urgent,
        lambda: services.forward(
            appeal, user=request.user, statement=form.cleaned_data.get("statement", "")
        ),
        "Överklagandet är överlämnat. Akten (PDF) finns att ladda ner.",
    )


@require_POST
@staff_view
def court(request, pk: int, appeal_pk: int):
    urgent, appeal = _step(request, pk, appeal_pk)
    form = forms.CourtForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _back(urgent)
    data = form.cleaned_data
    return _run(
        request,
        urgent,
        lambda: services.record_court_outcome(
            appeal,
            user=request.user,
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            case_number=data["case_number"],
        ),
        "Domstolens avgörande är registrerat.",
    )


def _seen(request, pk: int, appeal_pk: int, view: str) -> Appeal:
    urgent = urgent_views.visible_request(request.user, pk)
    access.open_case(request.user, urgent.case_id, purpose=PURPOSE, view=view)
    return _appeal(_decision(urgent), appeal_pk)


@require_GET
@staff_view
def dismissal_letter(request, pk: int, appeal_pk: int):
    appeal = _seen(request, pk, appeal_pk, "appeals.urgent_dismissal_letter")
    return _pdf(appeal.dismissal_pdf, f"avvisning-{appeal.pk}.pdf")


@require_GET
@staff_view
def bundle(request, pk: int, appeal_pk: int):
    appeal = _seen(request, pk, appeal_pk, "appeals.urgent_bundle")
    return _pdf(appeal.bundle_pdf, f"overklagande-{appeal.pk}-till-forvaltningsratten.pdf")


@require_GET
@staff_view
def attachment(request, pk: int, appeal_pk: int, attachment_pk: int):
    appeal = _seen(request, pk, appeal_pk, "appeals.urgent_attachment")
    stored = get_object_or_404(AppealAttachment, pk=attachment_pk, appeal=appeal)
    return eservice_files.download(stored)


# --------------------------------------------------------------------------- Mina sidor


def _own(request, pk: int):
    urgent = urgent_views.own_requests(request.applicant).filter(pk=pk).first()
    if urgent is None:
        raise Http404("Ansökan om akut hjälp finns inte.")
    return urgent, _decision(urgent)


@never_cache
@applicant_required
def applicant_appeal(request, pk: int):
    urgent, decision = _own(request, pk)
    form = forms.AppealForm()
    file_forms = forms.file_forms()
    if request.method == "POST":
        form = forms.AppealForm(request.POST)
        file_forms = forms.file_forms(request.POST, request.FILES)
        if form.is_valid() and all(f.is_valid() for f in file_forms):
            uploads = [f.cleaned_data["file"] for f in file_forms if f.cleaned_data.get("file")]
            try:
                services.submit_urgent_appeal(
                    decision, request.applicant, form.cleaned_data["text"], uploads
                )
            except services.AppealError as error:
                form.add_error("text", _(str(error)))
            else:
                messages.success(
                    request,
                    _(
                        "Ditt överklagande är skickat. Nämnden prövar först att det kommit in i "
                        "tid. Du kan följa det här."
                    ),
                )
                return redirect(reverse("appeals:minasidor-urgent", args=[urgent.pk]))
    errors = [*error_list(form)]
    for f in file_forms:
        errors += error_list(f)
    return render(
        request,
        "appeals/minasidor_urgent_appeal.html",
        {
            "u": urgent,
            "decision": decision,
            "form": form,
            "file_forms": file_forms,
            "errors": errors,
            "delivery": services.delivery_of(decision),
            "appeals": _rows(decision, staff=False),
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_GET
@applicant_required
def applicant_dismissal(request, pk: int, appeal_pk: int):
    _urgent, decision = _own(request, pk)
    found = _appeal(decision, appeal_pk)
    return _pdf(found.dismissal_pdf, f"avvisning-{found.pk}.pdf")


def minasidor_home_panel(request, person):
    """Mina sidor's start page: the person's urgent decisions that can be appealed."""
    if person is None:
        return None
    rows = []
    for urgent in (
        urgent_views.own_requests(person)
        .filter(decision__isnull=False)
        .select_related("decision")
        .order_by("-pk")[:5]
    ):
        status = services.delivery_of(urgent.decision)
        rows.append(
            {
                "u": urgent,
                "period_end": status.period_end,
                "appeals": list(services.urgent_appeals_of(urgent.decision)),
            }
        )
    return {"rows": rows} if rows else None
