"""The queue page: the applications a caseworker or team lead sees, by queue, filtered and paged."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bistand.cases.models import Unit
from bistand.rules.explain import month_sv
from bistand.staff import access
from bistand.staff.models import Role

from .. import forms, queues
from ..guards import staff_view
from .applicant import unread_from_applicants
from .payments import PAYMENT_ROLES

PAGE_SIZE = 50


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
