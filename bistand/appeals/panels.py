"""The app's panels on pages it does not own (bistand/core/extensions.py): the case view's
"Delgivning och överklagande", the queue page's link, and the application on Mina sidor."""

from __future__ import annotations

from django.utils import timezone

from bistand.decisions.models import Decision
from bistand.staff import access

from . import forms, services
from .models import AppealStatus, CourtOutcome, ReconsiderationKind, Timeliness


def _appeal_rows(application, *, staff: bool):
    rows = []
    for appeal in services.appeals_of(application):
        reconsiderations = list(appeal.reconsiderations.all())
        ids = f"a{appeal.pk}-%s"
        rows.append(
            {
                "appeal": appeal,
                "found": services.timeliness(appeal),
                "reconsiderations": reconsiderations,
                "omprovning": next(
                    (r for r in reconsiderations if r.kind == ReconsiderationKind.OMPROVNING),
                    None,
                ),
                "may_examine": appeal.status in services.OPEN_FOR_EXAMINATION
                and not reconsiderations,
                "may_dismiss": appeal.status == AppealStatus.EXAMINED
                and appeal.timeliness == Timeliness.LATE,
                "may_reconsider": appeal.status == AppealStatus.EXAMINED
                and appeal.timeliness != Timeliness.LATE
                and not reconsiderations,
                "may_forward": appeal.status == AppealStatus.EXAMINED
                and appeal.timeliness != Timeliness.LATE,
                "may_record_court": appeal.status == AppealStatus.FORWARDED,
                "awaiting_remand": appeal.court_outcome == CourtOutcome.REMANDED
                and appeal.remand_resolved_on is None,
                "may_execute_judgment": appeal.court_outcome == CourtOutcome.CHANGED
                and not any(r.kind == ReconsiderationKind.COURT_JUDGMENT for r in reconsiderations),
                "forward_days_left": (appeal.forward_due_on - timezone.localdate()).days
                if appeal.forward_due_on and not appeal.forwarded_on
                else None,
                "reconsider_form": forms.ReconsiderForm(auto_id=ids) if staff else None,
                "dismiss_form": forms.DismissForm(auto_id=ids) if staff else None,
                "forward_form": forms.ForwardForm(auto_id=ids) if staff else None,
                "court_form": forms.CourtForm(auto_id=ids) if staff else None,
            }
        )
    return rows


def case_panel(request, application):
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        return None
    return {
        "application": application,
        "decision": decision,
        "delivery": services.delivery_of(decision),
        "appeals": _appeal_rows(application, staff=True),
        "can_decide": access.can_decide(request.user),
        "post_form": forms.PostForm(auto_id="post-%s"),
        "paper_form": forms.PaperAppealForm(auto_id="paper-%s"),
        "parameters": services.parameters(),
    }


def staff_link(request, obj):
    return {"count": services.open_appeal_count(request.user)}


def minasidor_panel(request, application):
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        return None
    return {
        "application": application,
        "appeals": _appeal_rows(application, staff=False),
        "delivery": services.delivery_of(decision),
    }
