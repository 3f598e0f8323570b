"""Two caseworkers acting on one application at once: one decision, and a clear message for
the other — never a server error, never two decisions."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from bistand.audit.services import verify_chain
from bistand.decisions import review
from bistand.decisions.models import Decision
from bistand.payments.models import PaymentOrder

from .conftest import proposal_of

URL = "/handlaggning/ansokan/{}/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_second_of_two_stale_approvals_gets_a_message(world, ready):
    anna, bo = logged_in(world.users["anna"]), logged_in(world.users["bo"])
    calculation = proposal_of(ready).calculation_id
    for client in (anna, bo):  # both have the page open
        assert client.get(URL.format(ready.pk)).status_code == 200
    data = {"godkann-calculation": calculation}
    assert anna.post(URL.format(ready.pk) + "godkann/", data).status_code == 302
    response = bo.post(URL.format(ready.pk) + "godkann/", data, follow=True)
    assert response.status_code == 200
    assert "Någon annan har redan beslutat om ansökan" in response.content.decode()
    assert Decision.objects.filter(application=ready).count() == 1
    assert Decision.objects.get(application=ready).decided_by == world.users["anna"]
    assert PaymentOrder.objects.filter(application=ready).count() == 1
    # Every other action on the decided application gets the same kind of message.
    response = bo.post(
        URL.format(ready.pk) + "avsla/",
        {"avslag-calculation": calculation, "avslag-kind": "helt", "avslag-motivering": "x"},
        follow=True,
    )
    assert "Någon annan har redan beslutat" in response.content.decode()
    response = bo.post(
        URL.format(ready.pk) + "komplettering/", {"komplettering-message": "x"}, follow=True
    )
    assert "Någon annan har redan beslutat" in response.content.decode()


@pytest.mark.django_db
def test_approving_a_proposal_someone_has_changed_since_is_refused(world, ready):
    anna, bo = logged_in(world.users["anna"]), logged_in(world.users["bo"])
    seen = proposal_of(ready).calculation_id
    anna.post(
        URL.format(ready.pk) + "andra/cost/",
        {
            "kostnad-calculation": seen,
            "kostnad-cost_type": "rent",
            "kostnad-amount": "6000",
            "kostnad-motivering": "Hyresavi.",
        },
    )
    response = bo.post(
        URL.format(ready.pk) + "godkann/", {"godkann-calculation": seen}, follow=True
    )
    assert "Beslutsförslaget har ändrats sedan du öppnade det" in response.content.decode()
    assert not Decision.objects.filter(application=ready).exists()


def race(target, users):
    """Run ``target(user)`` for each user in its own thread, started together."""
    barrier = threading.Barrier(len(users))
    results: dict = {}

    def run(user):
        try:
            barrier.wait(timeout=10)
            results[user.username] = target(user)
        except BaseException as error:
            results[user.username] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_deciding_at_the_same_moment(world, ready):
    users = [world.users["anna"], world.users["bo"]]
    application_id = ready.pk

    def decide(user):
        proposal = proposal_of(type(ready).objects.get(pk=application_id))
        return review.approve(proposal, user=user)

    results = race(decide, users)
    decided = [r for r in results.values() if isinstance(r, review.ReviewResult)]
    refused = [r for r in results.values() if isinstance(r, review.AlreadyHandled)]
    assert len(decided) == 1 and len(refused) == 1, results
    assert "Någon annan har redan beslutat" in str(refused[0])
    assert Decision.objects.filter(application_id=application_id).count() == 1
    assert PaymentOrder.objects.filter(application_id=application_id).count() == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_decision_and_a_completion_request_at_the_same_moment(world, ready):
    application_id = ready.pk

    def act(user):
        application = type(ready).objects.get(pk=application_id)
        if user.username == "anna":
            return review.approve(proposal_of(application), user=user)
        return review.request_completion(application, user=user, message="Hyresavi.")

    results = race(act, [world.users["anna"], world.users["bo"]])
    errors = [r for r in results.values() if isinstance(r, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], review.AlreadyHandled), results
    ready.refresh_from_db()
    assert ready.state in ("decided", "completion_requested")
    assert Decision.objects.filter(application_id=application_id).count() == (
        1 if ready.state == "decided" else 0
    )
