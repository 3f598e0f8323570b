"""Two caseworkers reconsidering two appeals of one decision at the same moment: the difference
is paid once, the other gets a clear message (the decision's row is locked while the
difference is computed)."""

from __future__ import annotations

from datetime import date

import pytest

from bistand.appeals import services
from bistand.appeals.models import Channel, Delivery, SupplementaryPayment
from bistand.audit.services import verify_chain
from bistand.workspace.tests.test_concurrency import race


@pytest.mark.django_db(transaction=True)
def test_two_omprovningar_at_once_pay_the_difference_once(decided, world):
    Delivery.objects.create(
        decision=decided, channel=Channel.MINASIDOR, delivered_on=date.today(), recorded_by="t"
    )
    anna, bo = world.users["anna"], world.users["bo"]
    appeals = {}
    for user in (anna, bo):
        appeal = services.register_paper_appeal(
            decided.application, user=user, text="Mer till hyran.", arrived_on=date.today()
        )
        appeals[user.username] = services.examine(appeal, user=user)
    new = decided.amount_ore + 30000

    def reconsider(user):
        return services.reconsider(
            appeals[user.username], user=user, new_amount_ore=new, reasons="Hyran godtas."
        )

    results = race(reconsider, [anna, bo])
    made = [r for r in results.values() if not isinstance(r, BaseException)]
    refused = [r for r in results.values() if isinstance(r, services.AppealError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "detsamma" in str(refused[0])
    payments = SupplementaryPayment.objects.filter(decision=decided)
    assert [p.amount_ore for p in payments] == [30000]
    assert services.granted_so_far(decided) == new
    assert verify_chain().ok
