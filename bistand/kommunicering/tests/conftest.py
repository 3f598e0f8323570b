"""The workspace's world (staff in two units, households through the real robot), and one
single adult whose rent is above Exempelkommun's cap: the proposal caps it (COST_ABOVE_CAP),
which goes against the applicant."""

from __future__ import annotations

import pytest

from bistand.workspace.tests.conftest import (  # noqa: F401 - fixtures
    APPLICANT,
    PARTNER,
    World,
    declared,
    proposal_of,
    ready,
    world,
)


def capped_declared(applicant=APPLICANT, partner=None):
    data = declared(applicant=applicant, partner=partner, child=None)
    data["costs"] = [
        {"type": "rent", "amount": "6500.00"},
        {"type": "electricity", "amount": "300.00"},
    ]
    return data


@pytest.fixture
def capped(world):  # noqa: F811
    """A proposal_ready application of a single adult in Enhet Nord with the rent capped."""
    case = world.household("capped", world.north, partner=None, child=None, history=False)
    application = world.apply(case, data=capped_declared())
    assert application.state == "proposal_ready", application.state
    assert "COST_ABOVE_CAP" in proposal_of(application).flag_codes
    return application


@pytest.fixture
def couple_capped(world):  # noqa: F811
    """A couple (both adults may answer) with the rent above the cap."""
    case = world.household("couple", world.north, child=None, history=False)
    data = capped_declared(partner=PARTNER)
    data["costs"][0]["amount"] = "9500.00"
    application = world.apply(case, data=data)
    assert application.state == "proposal_ready", application.state
    return application
