"""Demo appeals for ``bistand demo``: on decided demo applications, one appeal waiting for its
rättidsprövning (decision read on Mina sidor) and one examined as timely with the forwarding
clock running (decision sent by post). Safe to run again: nothing is added once an appeal
exists."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bistand.cases.models import State
from bistand.decisions.models import Decision
from bistand.staff.models import Role

from . import services
from .models import Appeal, Channel, Delivery


def seed(stdout=None) -> int:
    if Appeal.objects.exists():
        return 0
    from django.contrib.auth import get_user_model

    caseworker = (
        get_user_model()
        .objects.filter(groups__name=Role.CASEWORKER, is_active=True, staff__isnull=False)
        .order_by("pk")
        .first()
    )
    if caseworker is None:
        return 0
    decisions = list(
        Decision.objects.filter(
            application__state__in=(State.DECIDED, State.PAID),
            application__case__unit__in=caseworker.staff.units.all(),
            amount_ore__gt=0,
        )
        .select_related("application__case")
        .order_by("-decided_at")[:2]
    )
    today = services.today()
    made = 0
    for i, decision in enumerate(decisions):
        decided_on = max(timezone.localdate(decision.decided_at), today - timedelta(days=10))
        if i == 0:
            Delivery.objects.get_or_create(
                decision=decision,
                channel=Channel.MINASIDOR,
                defaults={"delivered_on": decided_on, "recorded_by": "system:demo"},
            )
            services.register_paper_appeal(
                decision.application,
                user=caseworker,
                text="Jag överklagar beslutet. Min hyra har höjts och ska räknas med fullt ut.",
                arrived_on=today,
            )
        else:
            services.record_post(decision, user=caseworker, sent_on=decided_on)
            appeal = services.register_paper_appeal(
                decision.application,
                user=caseworker,
                text="Beslutet är fel: elkostnaden saknas i beräkningen.",
                # Two days ago, or on the decision's day if it was decided since then (a
                # fresh demo database's decisions are made today).
                arrived_on=max(today - timedelta(days=2), timezone.localdate(decision.decided_at)),
            )
            services.examine(appeal, user=caseworker)
        made += 1
    if stdout is not None and made:
        stdout.write(f"Demo appeals: {made} (see /handlaggning/overklaganden/).")
    return made
