"""The caseworker's appeal pages: the queue page "Överklaganden" and the actions of the case
view's panel. Every view: staff (``staff_view``), the application visible to the user (else
404), actions only for roles that decide (else 403); every action is audited by its service."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bistand.eservice import files as eservice_files
from bistand.staff import access
from bistand.workspace.guards import for_action, staff_view, visible_application

from . import forms, services
from .models import Appeal, AppealAttachment, ReconsiderationKind

PURPOSE = "handläggning av överklagande"


def _back(application) -> HttpResponse:
    return redirect(reverse("workspace:application", args=[application.pk]) + "#overklagande")


def _appeal(application, appeal_pk: int) -> Appeal:
    return get_object_or_404(Appeal, pk=appeal_pk, decision__application=application)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _run(request, application, step, success: str):
    try:
        step()
    except services.AppealError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return _back(application)


@never_cache
@staff_view
def queue(request):
    return render(
        request,
        "appeals/queue.html",
        {
            "queues": services.queues(request.user),
            "supplementary": services.pending_supplementary_payments(request.user),
        },
    )


@require_POST
@staff_view
def record_post(request, pk: int):
    application = for_action(request, pk)
    form = forms.PostForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(application)
    decision = services.decision_of(application)
    data = form.cleaned_data
    return _run(
        request,
        application,
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
def send_mailbox(request, pk: int):
    application = for_action(request, pk)
    try:
        decision = services.decision_of(application)
    except services.AppealError as error:
        messages.error(request, str(error))
        return _back(application)
    return _run(
        request,
        application,
        lambda: services.send_to_mailbox(decision, user=request.user),
        "Beslutet är lagt i den digitala brevlådan.",
    )


@require_POST
@staff_view
def register_paper(request, pk: int):
    application = for_action(request, pk)
    form = forms.PaperAppealForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(application)
    return _run(
        request,
        application,
        lambda: services.register_paper_appeal(
            application,
            user=request.user,
            text=form.cleaned_data["text"],
            arrived_on=form.cleaned_data["arrived_on"],
        ),
        "Överklagandet är registrerat. Gör rättidsprövningen.",
    )


@require_POST
@staff_view
def examine(request, pk: int, appeal_pk: int):
    application = for_action(request, pk)
    appeal = _appeal(application, appeal_pk)
    return _run(
        request,
        application,
        lambda: services.examine(appeal, user=request.user),
        "Rättidsprövningen är gjord.",
    )


@require_POST
@staff_view
def dismiss(request, pk: int, appeal_pk: int):
    application = for_action(request, pk)
    appeal = _appeal(application, appeal_pk)
    form = forms.DismissForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(application)
    return _run(
        request,
        application,
        lambda: services.dismiss(appeal, user=request.user, reasons=form.cleaned_data["reasons"]),
        "Överklagandet är avvisat. Beslutsbrevet finns att ladda ner.",
    )


@require_POST
@staff_view
def reconsider(request, pk: int, appeal_pk: int, kind: str = ReconsiderationKind.OMPROVNING):
    application = for_action(request, pk)
    appeal = _appeal(application, appeal_pk)
    form = forms.ReconsiderForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(application)
    amount_ore = int((Decimal(form.cleaned_data["new_amount"]) * 100).to_integral_value())
    return _run(
        request,
        application,
        lambda: services.reconsider(
            appeal,
            user=request.user,
            new_amount_ore=amount_ore,
            reasons=form.cleaned_data["reasons"],
            fully_as_requested=form.cleaned_data["fully_as_requested"],
            kind=kind,
        ),
        "Det nya beslutet är fattat. Brevet finns att ladda ner.",
    )


@require_POST
@staff_view
def after_remand(request, pk: int, appeal_pk: int):
    return reconsider(request, pk, appeal_pk, kind=ReconsiderationKind.AFTER_REMAND)


@require_POST
@staff_view
def court_judgment(request, pk: int, appeal_pk: int):
    return reconsider(request, pk, appeal_pk, kind=ReconsiderationKind.COURT_JUDGMENT)


@require_POST
@staff_view
def forward(request, pk: int, appeal_pk: int):
    application = for_action(request, pk)
    appeal = _appeal(application, appeal_pk)
    form = forms.ForwardForm(request.POST)
    form.is_valid()
    return _run(
        request,
        application,
        lambda: services.forward(
            appeal, user=request.user, statement=form.cleaned_data.get("statement", "")
        ),
        "Överklagandet är överlämnat. Akten (PDF) finns att ladda ner.",
    )


@require_POST
@staff_view
def court(request, pk: int, appeal_pk: int):
    application = for_action(request, pk)
    appeal = _appeal(application, appeal_pk)
    form = forms.CourtForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(application)
    data = form.cleaned_data
    return _run(
        request,
        application,
        lambda: services.record_court_outcome(
            appeal,
            user=request.user,
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            case_number=data["case_number"],
        ),
        "Domstolens avgörande är registrerat.",
    )


# --------------------------------------------------------------------------- downloads


def _pdf(data, filename: str) -> HttpResponse:
    if not data:
        raise Http404("Handlingen finns inte.")
    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _seen(request, pk: int, appeal_pk: int, view: str):
    application = visible_application(request.user, pk)
    access.open_case(request.user, application.case_id, purpose=PURPOSE, view=view)
    return application, _appeal(application, appeal_pk)


@require_GET
@staff_view
def dismissal_letter(request, pk: int, appeal_pk: int):
    _, appeal = _seen(request, pk, appeal_pk, "appeals.dismissal_letter")
    return _pdf(appeal.dismissal_pdf, f"avvisning-{appeal.pk}.pdf")


@require_GET
@staff_view
def reconsideration_letter(request, pk: int, appeal_pk: int, reconsideration_pk: int):
    _, appeal = _seen(request, pk, appeal_pk, "appeals.reconsideration_letter")
    found = get_object_or_404(appeal.reconsiderations, pk=reconsideration_pk)
    return _pdf(found.letter_pdf, f"nytt-beslut-{appeal.pk}-{found.pk}.pdf")


@require_GET
@staff_view
def bundle(request, pk: int, appeal_pk: int):
    _, appeal = _seen(request, pk, appeal_pk, "appeals.bundle")
    return _pdf(appeal.bundle_pdf, f"overklagande-{appeal.pk}-till-forvaltningsratten.pdf")


@require_GET
@staff_view
def attachment(request, pk: int, appeal_pk: int, attachment_pk: int):
    _, appeal = _seen(request, pk, appeal_pk, "appeals.attachment")
    stored = get_object_or_404(AppealAttachment, pk=attachment_pk, appeal=appeal)
    return eservice_files.download(stored)
