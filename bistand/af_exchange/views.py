"""Utbyte med Arbetsförmedlingen in the caseworker's pages: the case view's panel (what was sent
to AF and what AF sent, for the case's persons), a page of failed sends (with "send again" for
those who decide), the fetch status, and, for administrators, notices for persons we do not
know. The same rules as every staff page (bistand/workspace/guards.py, bistand/staff/access.py):
only cases the user sees (else 404), actions only for a deciding role (else 403)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bistand.audit.services import Actor
from bistand.cases.models import Application
from bistand.staff import access
from bistand.staff.models import Role
from bistand.workspace.guards import staff_view

from . import exchange, services
from .models import AfExchangeCursor, AfNotice


def case_panel(request, application):
    """The CASE slot: the case view has already checked that the user sees the case."""
    outgoing, incoming = services.exchange_of_case(application.case)
    return {"outgoing": outgoing, "incoming": incoming, "application": application}


def staff_link(request, obj):
    user = getattr(request, "user", None)
    if user is None or not access.roles(user):
        return None
    failed = services.failed_sends_visible_to(user).count()
    unmatched = (
        AfNotice.objects.filter(person__isnull=True).count()
        if access.has_role(user, Role.ADMINISTRATOR)
        else 0
    )
    return {"failed": failed, "unmatched": unmatched}


def _case_links(user, persons) -> dict[int, Application]:
    """Per person: the newest application of a case the user sees where they are a member."""
    links: dict[int, Application] = {}
    applications = (
        access.applications_visible_to(user)
        .filter(case__household__members__person__in=persons)
        .select_related("case")
        .prefetch_related("case__household__members")
        .order_by("-month", "-pk")
    )
    for application in applications:
        for member in application.case.household.members.all():
            links.setdefault(member.person_id, application)
    return links


@staff_view
@never_cache
def overview(request):
    user = request.user
    failed = list(services.failed_sends_visible_to(user))
    links = _case_links(user, [row.person for row in failed])
    rows = [{"notice": row, "application": links.get(row.person_id)} for row in failed]
    unmatched = None
    if access.has_role(user, Role.ADMINISTRATOR):
        unmatched = AfNotice.objects.filter(person__isnull=True).order_by("-received_at")[:200]
    cursors = AfExchangeCursor.objects.select_related("municipality").filter(
        municipality_id=getattr(access.profile(user), "municipality_id", None)
    )
    return render(
        request,
        "af_exchange/overview.html",
        {
            "rows": rows,
            "unmatched": unmatched,
            "cursors": cursors,
            "may_act": access.can_decide(user),
        },
    )


@staff_view
@require_POST
def resend(request, pk: int):
    notice = services.failed_sends_visible_to(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404("Underrättelsen finns inte.")
    if not access.can_decide(request.user):
        raise PermissionDenied("Du har bara läsbehörighet.")
    exchange.resend(notice, actor=Actor.user(request.user))
    messages.success(
        request, f"Underrättelsen för {notice.month} skickas igen till Arbetsförmedlingen."
    )
    return redirect("af_exchange:overview")
