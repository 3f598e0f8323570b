"""Förvaltningslagen 25 §: a decision wholly or partly against the applicant waits for
kommunicering — answered, deadline passed, or a recorded reason to decide without — in the
decision path itself (bistand/decisions/review.py), so neither a page nor the API can skip it.
A grant in full needs none; the robot never decides against the applicant."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bistand.cases.models import State
from bistand.decisions import review
from bistand.decisions.models import Decision, DecisionPolicy, Outcome
from bistand.decisions.services import new_decision, route
from bistand.eservice.models import Message
from bistand.kommunicering import services
from bistand.kommunicering.models import Kommunicering
from bistand.rules import deadlines
from bistand.rules.deadlines import is_working_day

from .conftest import APPLICANT, proposal_of

pytestmark = pytest.mark.django_db


def send(application, user, **kwargs):
    flags, lines = services.material_choices(application)
    keys = [c.key for c in flags + lines if c.adverse]
    return services.send(
        application,
        user=user,
        keys=keys,
        text=kwargs.get("text", "Hyran är högre än kommunens riktlinje."),
        deadline=kwargs.get("deadline", services.default_deadline()),
    )


def test_a_capped_rent_goes_against_the_applicant_and_a_grant_in_full_does_not(
    world, capped, ready
):
    (reason,) = services.adverse_reasons(proposal_of(capped))
    assert reason.replace("\u00a0", " ") == (
        "Boendekostnad: godtas med 5 000 kr i stället för 6 500 kr enligt kommunens riktlinje"
    )
    # The family's rent is within its cap: approving as proposed is a grant in full.
    assert services.adverse_reasons(proposal_of(ready)) == []
    result = review.approve(proposal_of(ready), user=world.users["anna"])
    assert result.decision.outcome == Outcome.GRANT
    # ... but refusing the same proposal goes against them.
    assert services.adverse_reasons(proposal_of(ready), outcome=Outcome.REFUSAL) == [
        "avslag på ansökan"
    ]


def test_no_adverse_decision_before_kommunicering(world, capped):
    anna = world.users["anna"]
    with pytest.raises(review.KommuniceringNeeded, match="Kommunicera underlaget"):
        review.approve(proposal_of(capped), user=anna)
    with pytest.raises(review.KommuniceringNeeded, match="går emot den sökande i: avslag"):
        review.refuse(proposal_of(capped), user=anna, motivering_text="Nej.")
    capped.refresh_from_db()
    assert capped.state == State.PROPOSAL_READY
    assert not Decision.objects.filter(application=capped).exists()


def test_sent_then_blocked_until_the_answer(world, capped):
    anna = world.users["anna"]
    sent = send(capped, anna)
    with pytest.raises(review.KommuniceringNeeded, match="till och med"):
        review.approve(proposal_of(capped), user=anna)
    applicant = capped.case.household.members.get(role="applicant").person
    services.answer(sent, applicant, "Jag letar billigare bostad men har inte hittat någon.")
    result = review.approve(proposal_of(capped), user=anna)
    assert result.decision is not None and result.decision.amount_ore == 248000


def test_sent_then_decided_when_the_deadline_has_passed(world, capped):
    anna = world.users["anna"]
    sent = send(capped, anna)
    Kommunicering.objects.filter(pk=sent.pk).update(
        deadline=timezone.localdate(), sent_at=timezone.now() - timedelta(days=8)
    )
    # The whole last day is the applicant's.
    with pytest.raises(review.KommuniceringNeeded):
        review.approve(proposal_of(capped), user=anna)
    Kommunicering.objects.filter(pk=sent.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    assert review.approve(proposal_of(capped), user=anna).decision is not None


def test_a_recorded_reason_lets_the_caseworker_decide_at_once(world, capped):
    anna = world.users["anna"]
    services.record_waiver(
        capped, user=anna, ground="urgent", text="Elen stängs av i morgon; beslut behövs i dag."
    )
    result = review.refuse(
        proposal_of(capped), user=anna, amount="1000", motivering_text="Delvis avslag."
    )
    assert result.decision.outcome == Outcome.PARTIAL


def test_a_change_against_the_applicant_after_sending_needs_kommunicering_again(world, capped):
    anna = world.users["anna"]
    sent = send(capped, anna)
    applicant = capped.case.household.members.get(role="applicant").person
    services.answer(sent, applicant, "Jag har inget att tillägga.")
    proposal = proposal_of(capped)
    review.adjust(
        proposal,
        user=anna,
        kind="cost",
        cost_type="electricity",
        amount="100",
        motivering_text="Elen enligt fakturan.",
    )
    with pytest.raises(review.KommuniceringNeeded, match="ändrats till den sökandes nackdel"):
        review.approve(proposal_of(capped), user=anna)


def test_sending_needs_material_a_working_day_and_a_waiting_application(world, capped):
    anna = world.users["anna"]
    with pytest.raises(services.KommuniceringError, match="Välj minst en"):
        services.send(capped, user=anna, keys=[], text="", deadline=services.default_deadline())
    with pytest.raises(services.KommuniceringError, match="efter i dag"):
        services.send(capped, user=anna, keys=[], text="x", deadline=timezone.localdate())
    saturday = timezone.localdate() + timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    with pytest.raises(services.KommuniceringError, match="lördag"):
        services.send(capped, user=anna, keys=[], text="x", deadline=saturday)
    with pytest.raises(services.KommuniceringError, match="ändrats"):
        services.send(
            capped,
            user=anna,
            keys=["flag-99"],
            text="x",
            deadline=deadlines.next_working_day(saturday),
        )
    services.record_waiver(capped, user=anna, ground="nothing_new", text="Bara egna uppgifter.")
    review.approve(proposal_of(capped), user=anna)
    with pytest.raises(services.KommuniceringError, match="före beslut"):
        services.send(
            capped, user=anna, keys=[], text="x", deadline=deadlines.next_working_day(saturday)
        )


def test_what_is_sent_is_a_snapshot_and_the_applicant_is_told(world, capped):
    anna = world.users["anna"]
    sent = send(capped, anna)
    assert sent.material["lines"][0].startswith("Boendekostnad: godtas med 5")
    assert sent.material["text"] == "Hyran är högre än kommunens riktlinje."
    assert len(sent.material_sha256) == 64
    # Those who consented to notices get "a new message" (nothing about what it is).
    from bistand.notifications.models import ContactPreference, Notice

    applicant = capped.case.household.members.get(role="applicant").person
    ContactPreference.objects.create(person=applicant, email="anna@example.invalid")
    send(capped, anna)
    assert Notice.objects.filter(person=applicant, kind="kommunicering_sent").count() == 1
    message = Message.objects.filter(application=capped, from_applicant=False).first()
    assert "material att yttra dig över" in message.body
    assert f"senast {sent.deadline:%Y-%m-%d}" in message.body
    # Later changes to the proposal do not change what was sent.
    before = dict(sent.material)
    review.adjust(
        proposal_of(capped),
        user=anna,
        kind="cost",
        cost_type="rent",
        amount="6500",
        motivering_text="Rådrum.",
    )
    sent.refresh_from_db()
    assert sent.material == before
    fragment = services.material_html(services.for_application(capped)[0])
    assert "Boendekostnad" in fragment and "Inget svar." in fragment


def test_deadline_over_christmas_moves_to_the_next_working_day():
    # 7 days from Thursday 17 December 2026 is julafton; 25, 26 are holidays, 27 a Sunday.
    assert deadlines.time_limit_end(date(2026, 12, 17), days=7) == date(2026, 12, 28)
    assert services.default_answer_days(date(2026, 12, 17)) == 7
    assert services.default_deadline(date(2026, 12, 17)) == date(2026, 12, 28)
    # An ordinary week: Monday + 7 = Monday.
    assert services.default_deadline(date(2026, 11, 2)) == date(2026, 11, 9)
    assert is_working_day(services.default_deadline(date(2026, 12, 24)))


# --------------------------------------------------------------------------- the robot


@pytest.mark.parametrize("automate_refusals", [False, True])
def test_the_robot_never_decides_against_the_applicant(world, capped, automate_refusals):
    """Whatever the delegation order says, a refusal or a flagged (capped) proposal goes to a
    caseworker, and the automated function refuses to write such a decision."""
    municipality = capped.case.municipality
    DecisionPolicy.objects.update_or_create(
        municipality=municipality,
        defaults={
            "automate_clean_repeat_grants": True,
            "automate_refusals": automate_refusals,
            "delegation_reference": "Delegationsordning punkt 4.2",
        },
    )
    policy = DecisionPolicy.objects.get(municipality=municipality)
    proposal = proposal_of(capped)

    class Result:
        amount = 0
        provisional = False

    routing = route(capped, Result(), [], policy)
    assert (routing.outcome, routing.route) == ("refusal", "caseworker")
    assert "förvaltningslagen 25 §" in routing.reasons[-1]["message"]
    # The capped proposal itself was routed to a caseworker by its flag.
    assert proposal.route == "caseworker"
    with pytest.raises(ValueError, match="never decides against"):
        new_decision(proposal, automated=True, policy=policy)
    proposal.outcome = Outcome.REFUSAL
    proposal.flags = []
    with pytest.raises(ValueError, match="never decides against"):
        new_decision(proposal, automated=True, policy=policy)


def test_the_answer_is_taken_once_and_not_after_the_decision(world, capped):
    anna = world.users["anna"]
    sent = send(capped, anna)
    applicant = capped.case.household.members.get(role="applicant").person
    services.answer(sent, applicant, "Första svaret.")
    with pytest.raises(services.KommuniceringError, match="redan svarat"):
        services.answer(sent, applicant, "Andra svaret.")
    sent.refresh_from_db()
    assert sent.answer == "Första svaret."
    assert applicant.personnummer == APPLICANT


@given(st.dates(min_value=date(2013, 1, 1), max_value=date(2040, 12, 31)))
def test_the_default_deadline_is_a_working_day_a_week_or_a_holiday_stretch_later(sent_on):
    deadline = services.default_deadline(sent_on)
    assert is_working_day(deadline)
    assert deadline >= sent_on + timedelta(days=7)
    # Only the days the law moves it over: no working day between day 7 and the deadline.
    day = sent_on + timedelta(days=7)
    while day < deadline:
        assert not is_working_day(day)
        day += timedelta(days=1)
