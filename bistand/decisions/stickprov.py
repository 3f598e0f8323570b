"""Stickprov: a random share of the month's decisions is drawn for after-control.

The draw is reproducible: the seed is recorded with the draw, and the same seed
over the same decisions selects the same ones (``random.Random(seed).sample``
over the decisions ordered by id). Automated and manual decisions are drawn
alike, so the controls also measure the automated function.
"""

from __future__ import annotations

import math
import random
import secrets

from django.db import transaction
from django.utils import timezone

from bistand.audit.services import record
from bistand.cases.models import Municipality

from .models import ControlOutcome, Decision, StickprovControl, StickprovDraw


def select(decision_ids: list[int], percent: int, seed: str) -> list[int]:
    """The decisions a draw with this seed selects (pure: the same input gives the same output)."""
    population = sorted(decision_ids)
    size = math.ceil(len(population) * percent / 100) if percent else 0
    rng = random.Random(seed)  # noqa: S311 - a reproducible draw, not a secret
    return sorted(rng.sample(population, size))


def draw(
    municipality: Municipality,
    month: str,
    *,
    actor: str,
    percent: int | None = None,
    seed: str | None = None,
) -> StickprovDraw:
    """Draw the month's stickprov (once per municipality and month)."""
    policy = getattr(municipality, "policy", None)
    share = percent if percent is not None else (policy.stickprov_percent if policy else 10)
    seed = seed or secrets.token_hex(16)
    ids = list(
        Decision.objects.filter(
            application__month=month, application__case__municipality=municipality
        ).values_list("pk", flat=True)
    )
    chosen = select(ids, share, seed)
    with transaction.atomic():
        stickprov = StickprovDraw.objects.create(
            municipality=municipality,
            month=month,
            seed=seed,
            percent=share,
            population=len(ids),
            drawn_by=actor,
        )
        StickprovControl.objects.bulk_create(
            StickprovControl(draw=stickprov, decision_id=pk) for pk in chosen
        )
        record(
            "stickprov.drawn",
            actor=actor,
            subject=f"stickprov:{stickprov.pk}",
            data={
                "month": month,
                "seed": seed,
                "percent": share,
                "population": len(ids),
                "selected": len(chosen),
            },
        )
    return stickprov


def record_outcome(
    control: StickprovControl, outcome: str, *, actor: str, note: str = ""
) -> StickprovControl:
    if outcome not in ControlOutcome.values or outcome == ControlOutcome.PENDING:
        raise ValueError(f"okänt utfall {outcome!r}")
    with transaction.atomic():
        control.outcome = outcome
        control.note = note
        control.controlled_at = timezone.now()
        control.controlled_by = actor
        control.save()
        record(
            "stickprov.controlled",
            actor=actor,
            case_id=control.decision.application.case_id,
            subject=f"decision:{control.decision_id}",
            data={"outcome": outcome},
        )
    return control
