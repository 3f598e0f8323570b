"""A decided application (a caseworker approved the robot's proposal: decision, payment order)
in Enhet Nord, with the workspace tests' staff and households."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from bistand.decisions import review
from bistand.decisions.models import Decision, Proposal
from bistand.workspace.tests.conftest import (  # noqa: F401  (fixtures used by name)
    APPLICANT,
    PARTNER,
    World,
    make_staff,
    world,
)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


@pytest.fixture
def decided(world):  # noqa: F811 (the workspace tests' fixture)
    """Application for 2025-04 decided by Anna; the decision dated 2025-12-01."""
    case = world.household("north", world.north)
    application = world.apply(case)
    assert application.state == "proposal_ready", application.state
    proposal = Proposal.objects.get(application=application)
    review.approve(proposal, user=world.users["anna"])
    decision = Decision.objects.get(application=application)
    Decision.objects.filter(pk=decision.pk).update(decided_at=at(date(2025, 12, 1)))
    decision.refresh_from_db()
    assert decision.amount_ore > 0
    return decision


@pytest.fixture
def other_household(world):  # noqa: F811
    """A decided application of another household in Enhet Syd."""
    case = world.household("south", world.south, applicant="196001019980", partner=None, child=None)
    application = world.apply(case)
    proposal = Proposal.objects.get(application=application)
    review.approve(proposal, user=world.users["syd"])
    return Decision.objects.get(application=application)
