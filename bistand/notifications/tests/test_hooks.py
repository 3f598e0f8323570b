"""The existing events notify without their code knowing: the partner who must sign, a
decision (a caseworker's, or the robot's automated ones, one at a time and in batches), a
completion request. Each through the audit log's after-commit listener."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bistand.audit.services import Actor
from bistand.cases.models import Application, Person, State
from bistand.cases.states import transition
from bistand.decisions import review
from bistand.decisions.models import DecisionPolicy
from bistand.eservice.models import Cosignature
from bistand.eservice.tests.test_minasidor import (  # noqa: F401
    APPLICANT,
    PARTNER,
    apply_for_april,
    family,
)
from bistand.notifications import services
from bistand.notifications.models import Notice
from bistand.robot import pipeline
from bistand.staff.models import Role
from bistand.staff.testing import make_staff


@pytest.fixture
def consenting(family):  # noqa: F811
    for number, address in ((APPLICANT, "anna@example.org"), (PARTNER, "partner@example.org")):
        services.save_preference(
            Person.objects.get(personnummer=number.replace("-", "")), email=address, mobile=""
        )
    return family


def kinds(number: str) -> list[str]:
    person = Person.objects.get(personnummer=number.replace("-", ""))
    return list(Notice.objects.filter(person=person).values_list("kind", flat=True))


def test_automated_decision_notifies_both_adults(consenting, django_capture_on_commit_callbacks):
    application = apply_for_april(consenting)
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.process(application.pk) == "decided"
    assert kinds(APPLICANT) == ["decision_made"] and kinds(PARTNER) == ["decision_made"]
    assert Notice.objects.filter(case=consenting).count() == 2


def test_automated_decisions_in_a_batch(consenting, django_capture_on_commit_callbacks):
    application = apply_for_april(consenting)
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.process_many([application.pk]) == {application.pk: "decided"}
    assert kinds(APPLICANT) == ["decision_made"]


def test_completion_request(consenting, django_capture_on_commit_callbacks):
    DecisionPolicy.objects.filter(municipality=consenting.municipality).update(
        automate_clean_repeat_grants=False
    )
    caseworker = make_staff("handlaggare", Role.CASEWORKER, [consenting.unit])
    application = apply_for_april(consenting)
    assert pipeline.process(application.pk) == "proposal"
    assert kinds(APPLICANT) == []  # a proposal is not news for the applicant
    application.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        review.request_completion(application, user=caseworker, message="Skicka hyresavin.")
    assert kinds(APPLICANT) == ["completion_requested"]


def test_a_rolled_back_change_notifies_nobody(consenting, django_capture_on_commit_callbacks):
    application = apply_for_april(consenting)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        transition(application, State.WITHDRAWN, actor=Actor.system("test"), reason="x")
        raise RuntimeError
    assert not Notice.objects.exists()


def test_partner_must_sign(consenting, django_capture_on_commit_callbacks):
    partner = Person.objects.get(personnummer=PARTNER.replace("-", ""))
    application = Application.objects.create(case=consenting, month="2025-05", kind="repeat")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        transition(
            application, State.AWAITING_COSIGNATURE, actor=Actor.system("test"), reason="signerad"
        )
        Cosignature.objects.create(
            application=application, partner=partner, expires_at=timezone.now() + timedelta(days=7)
        )
    assert kinds(PARTNER) == ["cosign_needed"] and kinds(APPLICANT) == []


def test_caseworkers_decision(consenting, django_capture_on_commit_callbacks):
    DecisionPolicy.objects.filter(municipality=consenting.municipality).update(
        automate_clean_repeat_grants=False
    )
    caseworker = make_staff("handlaggare", Role.CASEWORKER, [consenting.unit])
    application = apply_for_april(consenting)
    assert pipeline.process(application.pk) == "proposal"
    application.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        review.approve(application.proposal, user=caseworker)
    application.refresh_from_db()
    assert application.state == State.DECIDED
    assert kinds(APPLICANT) == ["decision_made"] and kinds(PARTNER) == ["decision_made"]


def test_the_reminder_to_sign_notifies_the_partner_again(
    consenting, django_capture_on_commit_callbacks
):
    from bistand.eservice.services import remind_and_expire

    partner = Person.objects.get(personnummer=PARTNER.replace("-", ""))
    application = Application.objects.create(case=consenting, month="2025-05", kind="repeat")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        transition(
            application, State.AWAITING_COSIGNATURE, actor=Actor.system("test"), reason="signerad"
        )
        Cosignature.objects.create(
            application=application,
            partner=partner,
            requested_at=timezone.now() - timedelta(days=5),
            expires_at=timezone.now() + timedelta(days=7),
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_and_expire()["reminded"] == 1
    assert kinds(PARTNER) == ["cosign_needed", "cosign_needed"]


def test_a_failing_notification_never_blocks_the_case(
    consenting, monkeypatch, django_capture_on_commit_callbacks
):
    from bistand.notifications import hooks

    def broken(*args, **kwargs):
        raise RuntimeError("the notifications are down")

    monkeypatch.setattr(hooks, "notify", broken)
    application = apply_for_april(consenting)
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.process(application.pk) == "decided"
    application.refresh_from_db()
    assert application.state == State.DECIDED
    assert not Notice.objects.exists()
