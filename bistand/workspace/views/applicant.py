"""The applicant's side of a case, in the caseworker's view: who signed the application and
how, the files the applicant added, and the message thread with the applicant (Mina sidor).
The e-service keeps these (bistand/eservice/); here staff read them and answer."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Max, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bistand.cases.models import Application
from bistand.eservice import files, services
from bistand.eservice.models import Attachment, Message, Signature
from bistand.staff import access

from ..caseview import payout
from ..guards import for_action, staff_view, visible_application
from .common import PURPOSE


def unread_from_applicants(user, limit: int = 10) -> list[dict]:
    """The cases the user sees with messages from the applicant no one has read yet, newest
    first: the queue page lists them, so a message on a decided month is not missed."""
    latest = Application.objects.filter(case_id=OuterRef("case_id")).order_by("-month", "-pk")
    return list(
        Message.objects.filter(
            from_applicant=True,
            read_at__isnull=True,
            case__in=access.cases_visible_to(user),
        )
        .values("case_id", "case__reference")
        .annotate(
            count=Count("pk"),
            newest=Max("created_at"),
            application_id=Subquery(latest.values("pk")[:1]),
        )
        .order_by("-newest")[:limit]
    )


def panel(application: Application, user) -> dict:
    """The case page's section "Från sökande". Reading it as a decider marks the
    applicant's messages read."""
    thread = list(
        Message.objects.filter(case_id=application.case_id).select_related("staff", "application")
    )
    unread = [m.pk for m in thread if m.from_applicant and m.read_at is None]
    if unread and access.can_decide(user):
        Message.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return {
        "signatures": Signature.objects.filter(application=application)
        .select_related("person")
        .order_by("signed_at"),
        "cosignature": getattr(application, "cosignature", None),
        "attachments": Attachment.objects.filter(application=application),
        "thread": thread,
        "unread_from_applicant": len(unread),
        "payout": payout(application),
    }


@require_POST
@staff_view
def message(request, pk: int):
    """A message to the applicant, shown on Mina sidor."""
    application = for_action(request, pk)
    try:
        services.send_message(
            application.case,
            body=request.POST.get("meddelande", ""),
            staff=request.user,
            application=application,
        )
    except services.EserviceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Meddelandet är skickat till sökande.")
    return redirect(f"/handlaggning/ansokan/{application.pk}/#meddelanden")


@require_GET
@staff_view
def attachment(request, pk: int, attachment_pk: int):
    """A file the applicant added, as a download; the access is logged."""
    application = visible_application(request.user, pk)
    stored = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    access.open_case(
        request.user,
        application.case_id,
        purpose=f"{PURPOSE}: bilaga från sökande",
        view="workspace.attachment",
    )
    return files.download(stored)
