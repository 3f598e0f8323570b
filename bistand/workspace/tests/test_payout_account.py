"""A granted decision without a payout account is a caseworker's task on the queue, and the
case view shows the account masked, with its changes."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from bistand.audit.services import Actor
from bistand.decisions import review
from bistand.payments.services import change_payout_account, set_payout_account
from bistand.workspace import queues

from .conftest import proposal_of

pytestmark = pytest.mark.django_db


def fresh_login():
    return SimpleNamespace(issuer="https://eid.example", ref="abc123", at=timezone.now())


@pytest.fixture
def granted(world, ready):
    return review.approve(proposal_of(ready), user=world.users["anna"]).decision


def test_a_granted_decision_without_an_account_is_on_the_queue(client, world, granted):
    anna = world.users["anna"]
    assert queues.counts(anna, queues.Filters())["utan-konto"] == 1
    client.force_login(anna)
    page = client.get("/handlaggning/ko/utan-konto/").content.decode()
    assert 'Beviljat utan konto <span class="count">(1)</span>' in page
    assert granted.application.case.reference in page
    # Another unit's caseworker does not see it.
    assert queues.counts(world.users["syd"], queues.Filters())["utan-konto"] == 0

    # Once the applicant has given an account, it leaves the queue.
    set_payout_account(
        granted.payment.payee,
        clearing_number="5839",
        account_number="8257466",
        actor=Actor.system("test"),
    )
    assert queues.counts(anna, queues.Filters())["utan-konto"] == 0
    page = client.get("/handlaggning/ko/utan-konto/").content.decode()
    assert granted.application.case.reference not in page


def test_the_case_view_shows_the_account_masked_and_who_changed_it(client, world, granted):
    application = granted.application
    client.force_login(world.users["anna"])
    page = client.get(f"/handlaggning/ansokan/{application.pk}/").content.decode()
    assert "Inget konto angivet." in page
    assert "kön Beviljat utan konto" in page

    payee = granted.payment.payee
    change_payout_account(
        payee,
        clearing_number="5839",
        account_number="825 7466",
        login=fresh_login(),
        actor=Actor.applicant(payee),
    )
    change_payout_account(
        payee,
        clearing_number="8327-9",
        account_number="014 725 892-5",
        login=fresh_login(),
        actor=Actor.applicant(payee),
    )
    page = client.get(f"/handlaggning/ansokan/{application.pk}/").content.decode()
    assert "Sökandes konto: 8327-9 ••••8925" in page
    assert "8327-9 ••••8925, angivet av sökande med e-legitimation (gäller nu)" in page
    assert "5839 ••••7466, angivet av sökande med e-legitimation" in page
    for full in ("0147258925", "8257466"):
        assert full not in page


def test_an_old_login_changes_nothing(world, granted):
    from bistand.payments.services import StaleLogin

    payee = granted.payment.payee
    old = SimpleNamespace(issuer="x", ref="abc", at=timezone.now() - timedelta(minutes=16))
    with pytest.raises(StaleLogin):
        change_payout_account(
            payee,
            clearing_number="5839",
            account_number="8257466",
            login=old,
            actor=Actor.applicant(payee),
        )
    assert not hasattr(payee, "payout_account") or payee.payout_account is None
