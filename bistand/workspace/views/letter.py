"""A decision letter as PDF for staff who see the case (the access is logged)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET

from bistand.decisions import review
from bistand.decisions.models import Decision
from bistand.staff import access

from .. import queues
from ..guards import staff_view
from .common import PURPOSE

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
