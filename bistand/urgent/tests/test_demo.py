from __future__ import annotations

import io

from bistand.urgent import demo
from bistand.urgent.models import Status, UrgentRequest


def test_demo_seeds_one_request_with_its_proposal_once(world, register_simulator):
    world.household(world.north)
    out = io.StringIO()
    urgent = demo.seed(out)
    assert urgent is not None and urgent.proposal is not None
    assert UrgentRequest.objects.get().status == Status.PROPOSED
    assert demo.seed(out) is None
    assert UrgentRequest.objects.count() == 1
