"""The case's housekeeping: journal notes, taking and assigning cases, the stickprov control's
outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from bistand.decisions import review
from bistand.decisions.models import StickprovControl
from bistand.staff import access
from bistand.staff.models import Role

from .. import forms, queues
from ..guards import for_action, staff_view
from .case import _assign_users, _case_page, _run
from .common import _back


@require_POST
@staff_view
def journal(request, pk: int):
    application = for_action(request, pk)
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
    application = for_action(request, pk)
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
    application = for_action(request, pk)
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
