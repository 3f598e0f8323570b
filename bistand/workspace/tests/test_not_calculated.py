"""An application the robot could not calculate, as the caseworker meets it.

It is in "Att besluta", "Flaggade" and "Kunde inte beräknas"; the case view says in plain
Swedish what is missing and what to do, offers "Beräkna igen" and completion, and no decision
on a proposal that has no calculation.
"""

from __future__ import annotations

import pytest

from bistand.cases.models import State
from bistand.workspace import queues

from .conftest import proposal_of
from .test_case_view import text

pytestmark = pytest.mark.django_db

JANUARY_2027 = "2027-01"  # no riksnorm for it (yet)


@pytest.fixture
def stopped(world):
    application = world.apply(world.household("north", world.north), month=JANUARY_2027)
    assert application.state == State.PROPOSAL_READY
    assert not proposal_of(application).calculated
    return application


def test_it_is_in_the_queue_of_what_could_not_be_calculated(client, world, stopped):
    anna = world.users["anna"]
    counts = queues.counts(anna, queues.Filters())
    assert counts["kunde-inte-beraknas"] == 1
    assert counts["att-besluta"] == 1 and counts["flaggade"] == 1
    client.force_login(anna)
    shown = text(client.get("/handlaggning/ko/kunde-inte-beraknas/"))
    assert stopped.case.reference in shown
    assert "Kunde inte beräknas" in shown
    # The flag filter knows the new flag.
    filtered = text(client.get("/handlaggning/ko/flaggade/?flagga=MISSING_PARAMETER"))
    assert stopped.case.reference in filtered


def test_the_case_view_says_what_is_missing_and_offers_what_can_be_done(client, world, stopped):
    client.force_login(world.users["anna"])
    response = client.get(f"/handlaggning/ansokan/{stopped.pk}/")
    assert response.status_code == 200
    shown = text(response)
    assert "Kunde inte beräknas." in shown
    assert "Belopp saknas för månaden (MISSING_PARAMETER)" in shown
    assert "Riksnormen för januari 2027 är inte inlagd. Administratören lägger in beloppen" in shown
    assert "Beräkna igen" in shown and "Begär komplettering" in shown
    assert "Godkänn förslaget och besluta" not in shown
    assert "Beräkningen rad för rad" not in shown


def test_calculate_again_sends_it_back_to_the_robot(client, world, stopped):
    client.force_login(world.users["anna"])
    response = client.post(f"/handlaggning/ansokan/{stopped.pk}/berakna-igen/")
    assert response.status_code == 302
    stopped.refresh_from_db()
    assert stopped.state == State.ROBOT_PROCESSING
    # Once more is refused with a message (it is no longer waiting without a calculation).
    response = client.post(f"/handlaggning/ansokan/{stopped.pk}/berakna-igen/", follow=True)
    assert "redan" in text(response)


def test_only_a_decider_may_calculate_again(client, world, stopped):
    client.force_login(world.users["auditor"])
    assert client.post(f"/handlaggning/ansokan/{stopped.pk}/berakna-igen/").status_code == 403
    client.force_login(world.users["syd"])  # another unit: the case does not exist for them
    assert client.post(f"/handlaggning/ansokan/{stopped.pk}/berakna-igen/").status_code == 404


def test_completion_can_be_asked_from_the_case_view(client, world, stopped):
    client.force_login(world.users["anna"])
    response = client.post(
        f"/handlaggning/ansokan/{stopped.pk}/komplettering/",
        {"komplettering-message": "Skicka hyresavin."},
    )
    assert response.status_code == 302
    stopped.refresh_from_db()
    assert stopped.state == State.COMPLETION_REQUESTED
