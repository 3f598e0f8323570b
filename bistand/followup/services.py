"""Follow-up of a month: what happened to the applications, who decided, which flags, and
whether anything was decided or paid twice."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q

from bistand.cases.models import Application, State
from bistand.decisions.models import ControlOutcome, Decision, Proposal, StickprovControl
from bistand.payments.models import PaymentOrder


def duplicates(month: str | None = None) -> list[dict[str, Any]]:
    """Applications with more than one decision or payment (the schema forbids it; we check)."""
    applications = Application.objects.all()
    if month:
        applications = applications.filter(month=month)
    decided_twice = (
        Decision.objects.filter(application__in=applications)
        .values("application")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    paid_twice = (
        PaymentOrder.objects.filter(application__in=applications)
        .values("application")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    found: dict[int, dict[str, Any]] = {}
    for row in decided_twice:
        found.setdefault(row["application"], {"application": row["application"]})["decisions"] = (
            row["n"]
        )
    for row in paid_twice:
        found.setdefault(row["application"], {"application": row["application"]})["payments"] = row[
            "n"
        ]
    return [found[k] for k in sorted(found)]


def month_report(month: str) -> dict[str, Any]:
    applications = Application.objects.filter(month=month)
    by_state = dict.fromkeys(State.values, 0)
    for row in applications.values("state").annotate(n=Count("pk")):
        by_state[row["state"]] = row["n"]
    decisions = Decision.objects.filter(application__month=month).aggregate(
        automated=Count("pk", filter=~Q(automated_function="")),
        manual=Count("pk", filter=Q(automated_function="")),
    )
    flags: Counter[str] = Counter()
    for proposal_flags in Proposal.objects.filter(application__month=month).values_list(
        "flags", flat=True
    ):
        flags.update(flag["code"] for flag in proposal_flags)
    controls = StickprovControl.objects.filter(draw__month=month)
    outcomes = Counter(controls.values_list("outcome", flat=True))
    return {
        "month": month,
        "applications": applications.count(),
        "applications_by_state": by_state,
        "decisions": {"automated": decisions["automated"], "manual": decisions["manual"]},
        "flags": dict(sorted(flags.items())),
        "stickprov": {
            "drawn": controls.count(),
            "outcomes": {o: outcomes.get(o, 0) for o in ControlOutcome.values},
        },
        "duplicates": duplicates(month),
    }
