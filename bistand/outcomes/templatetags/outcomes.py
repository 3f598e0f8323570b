"""``{% outcomes_panel %}``: the case view's period, closing and försörjningshinder section.

A tag rather than more context in bistand/workspace/views/case.py: the case view's template loads
it and it reads ``application`` and ``can_decide`` from the page's context (the workspace has
already checked that the user sees the case and logged the access)."""

from __future__ import annotations

from django import template

from bistand.rules.errors import MissingParameterError
from bistand.rules.explain import month_sv

from .. import services
from ..forms import choices, person_label
from ..models import AdultMonth, ClosureProposal, ProposalStatus

register = template.Library()


@register.inclusion_tag("outcomes/_panel.html", takes_context=True)
def outcomes_panel(context):
    application = context["application"]
    case = application.case
    period = services.current_period(case)
    reasons = []
    if period is not None and not period.is_open:
        try:
            labels = services.codes(services.EXIT_REASONS, period.last_month)
        except MissingParameterError:
            labels = {}
        for reason in period.exit_reasons.select_related("person").order_by("pk"):
            label = labels.get(reason.code, {}).get("label", reason.code)
            reasons.append((person_label(reason.person), label))
    proposal = (
        ClosureProposal.objects.filter(case=case, status=ProposalStatus.OPEN).first()
        if period is not None and period.is_open
        else None
    )
    try:
        hinder = services.codes(services.HINDER, application.month)
        activities = services.codes(services.ACTIVITIES, application.month)
    except MissingParameterError:
        hinder, activities = {}, {}
    recorded = {row.person_id: row for row in AdultMonth.objects.filter(application=application)}
    adult_rows = []
    for person in services.adults(case, application.month):
        row = recorded.get(person.pk)
        adult_rows.append(
            {
                "person_pk": person.pk,
                "name": person_label(person),
                "hinder_code": row.hinder if row else "",
                "activity_code": row.activity if row else "",
                "hinder": hinder.get(row.hinder, {}).get("label", row.hinder) if row else "",
                "activity": activities.get(row.activity, {}).get("label", row.activity)
                if row
                else "",
                "source": row.get_source_display() if row else "",
            }
        )
    can_decide = bool(context.get("can_decide"))
    return {
        "application": application,
        "period": period,
        "reasons": reasons,
        "proposal": proposal,
        "adult_rows": adult_rows,
        "month": month_sv(application.month),
        "can_decide": can_decide,
        "hinder_choices": choices(services.HINDER, application.month, empty="Inte registrerat")
        if can_decide and hinder
        else [],
        "activity_choices": choices(services.ACTIVITIES, application.month, empty="Ingen insats")
        if can_decide and activities
        else [],
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
