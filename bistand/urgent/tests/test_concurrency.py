"""Two caseworkers (or two workers) deciding the same urgent request at the same moment: one
decision, one urgent payment; and two exports of it: one file. Real threads on PostgreSQL
(SQLite serialises its writers, so the race is PostgreSQL's)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from bistand.audit.services import Actor
from bistand.urgent import services
from bistand.urgent.models import Channel, UrgentDecision, UrgentPayment


@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once_make_one_decision_and_one_payment(world):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers: run with DATABASE_URL=postgres://…")
    case = world.household(world.north)
    person = case.household.members.get(role="applicant").person
    urgent = services.create_request(
        case,
        person,
        reason="no_food",
        description="Ingen mat",
        days=2,
        channel=Channel.MINASIDOR,
        actor=Actor.applicant(person),
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide():
        try:
            barrier.wait()
            services.decide(
                urgent,
                user=world.users["anna"],
                outcome="grant",
                amount_ore=40000,
                motivering="Mat för två dagar.",
            )
            outcomes.append("decided")
        except services.UrgentError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["decided", "refused"]
    assert UrgentDecision.objects.filter(request=urgent).count() == 1
    assert UrgentPayment.objects.filter(decision__request=urgent).count() == 1
