"""The decision letter (text extracted from the PDF) says what was communicated and when, what
the applicant answered — or that no answer came, or why the decision was made without — and
names the register data the decision rests on. The e-service says before signing which
registers will be asked and why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from bistand.decisions import review
from bistand.kommunicering import services
from bistand.kommunicering.models import Kommunicering
from bistand.letters.services import render_html, render_pdf
from bistand.letters.tests.conftest import pdf_text

from .conftest import proposal_of

pytestmark = pytest.mark.django_db


def letter_text(decision) -> str:
    return " ".join(pdf_text(render_pdf(render_html(decision))).replace("\u00a0", " ").split())


def test_the_letter_names_the_kommunicering_and_the_answer(world, capped):
    anna = world.users["anna"]
    sent = services.send(
        capped,
        user=anna,
        keys=["cap-rent"],
        text="Hyran är hög.",
        deadline=services.default_deadline(),
    )
    applicant = capped.case.household.members.get(role="applicant").person
    services.answer(sent, applicant, "Jag söker en billigare lägenhet.")
    decision = review.approve(proposal_of(capped), user=anna).decision
    text = letter_text(decision)
    today = timezone.localdate().isoformat()
    assert "Kommunicering" in text
    assert f"Den {today} fick du ta del av underlaget för beslutet" in text
    assert "Boendekostnad: godtas med 5 000 kr i stället för 6 500 kr" in text
    assert f"yttra dig senast {sent.deadline:%Y-%m-%d}" in text
    assert f"Svar kom in den {today}: ”Jag söker en billigare lägenhet.”" in text
    # Part 6: the register data the decision rests on, by source and kind.
    assert "Uppgifter från register som beslutet grundas på" in text
    assert "Skatteverket: folkbokföring, lön" in text
    assert "Arbetsförmedlingen: inskrivning" in text


def test_no_answer_by_the_deadline(world, capped):
    anna = world.users["anna"]
    sent = services.send(capped, user=anna, keys=["cap-rent"], deadline=services.default_deadline())
    Kommunicering.objects.filter(pk=sent.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    decision = review.approve(proposal_of(capped), user=anna).decision
    assert "Inget svar kom in inom svarstiden." in letter_text(decision)


def test_decided_without_kommunicering_says_why(world, capped):
    anna = world.users["anna"]
    services.record_waiver(capped, user=anna, ground="urgent", text="Elen stängs av i dag.")
    decision = review.approve(proposal_of(capped), user=anna).decision
    text = letter_text(decision)
    assert "Beslutet har fattats utan att vänta på yttrande" in text
    assert "ett avgörande kan inte skjutas upp" in text and "Elen stängs av i dag." in text


def test_a_grant_in_full_has_no_kommunicering_section(world, ready):
    decision = review.approve(proposal_of(ready), user=world.users["anna"]).decision
    text = letter_text(decision)
    assert "Kommunicering" not in text
    assert "Uppgifter från register som beslutet grundas på" in text


def test_the_eservice_says_which_registers_will_be_asked_and_why():
    html = Template("{% load kommunicering %}{% registers_asked %}").render(Context({}))
    assert "Uppgifter vi hämtar från andra myndigheter" in html
    assert "Försäkringskassan</strong>: utbetalda ersättningar, t.ex. bostadsbidrag" in html
    assert "Arbetsförmedlingen</strong>: om du är inskriven" in html
    assert "förordningen (2008:975)" in html
