"""The caseworker's actions: approve, change an item, refuse in whole or part, ask for
completion, the journal, taking and assigning work, and the four-eyes rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from bistand.audit.models import AuditEvent
from bistand.audit.services import verify_chain
from bistand.cases.models import State
from bistand.decisions import review
from bistand.decisions.models import CalculationSnapshot, Decision, DecisionPolicy
from bistand.letters.services import render_html
from bistand.letters.tests.conftest import pdf_text
from bistand.payments.models import PaymentOrder
from bistand.workspace.models import (
    Adjustment,
    AppendOnlyError,
    Assignment,
    CompletionRequest,
    FourEyesApproval,
    JournalNote,
)

from .conftest import proposal_of

pytestmark = pytest.mark.django_db

URL = "/handlaggning/ansokan/{}/"


def waived(application, user):
    """A recorded reason to decide without kommunicering (förvaltningslagen 25 §,
    bistand/kommunicering): the test is about the decision itself."""
    from bistand.kommunicering.services import record_waiver

    record_waiver(application, user=user, ground="nothing_new", text="Inget nytt att tillföra.")


def page(client, application) -> str:
    return client.get(URL.format(application.pk)).content.decode()


def test_approving_decides_by_the_named_caseworker_and_archives_the_letter(client, world, ready):
    anna = world.users["anna"]
    proposal = proposal_of(ready)
    client.force_login(anna)
    response = client.post(
        URL.format(ready.pk) + "godkann/",
        {"godkann-calculation": proposal.calculation_id},
        follow=True,
    )
    assert response.status_code == 200
    decision = Decision.objects.get(application=ready)
    assert decision.decided_by == anna and not decision.automated
    assert (decision.outcome, decision.amount_ore) == ("grant", proposal.amount_ore)
    ready.refresh_from_db()
    assert ready.state == State.DECIDED
    assert PaymentOrder.objects.get(decision=decision).amount_ore == proposal.amount_ore
    event = AuditEvent.objects.get(action="decision.made", data__decision=decision.pk)
    assert event.actor == f"user:{anna.pk}:anna"
    html = response.content.decode()
    assert "Beslutet är fattat: bifall" in html
    assert "Ladda ner beslutsbrev (PDF)" in html
    assert decision.letter.pdf_matches_hash()
    pdf = client.get(f"/handlaggning/beslut/{decision.pk}/brev.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert bytes(pdf.content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="case.opened", data__view="workspace.letter", case_id=ready.case_id
    ).exists()
    assert verify_chain().ok


def test_changing_a_cost_recalculates_archives_and_the_motivering_reaches_the_decision(
    client, world, ready
):
    anna = world.users["anna"]
    proposal = proposal_of(ready)
    before_amount, before_calc = proposal.amount_ore, proposal.calculation_id
    client.force_login(anna)
    response = client.post(
        URL.format(ready.pk) + "andra/cost/",
        {
            "kostnad-calculation": before_calc,
            "kostnad-cost_type": "rent",
            "kostnad-amount": "6 000",
            "kostnad-motivering": "Hyresavin för april visar 6 000 kr.",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.amount_ore == before_amount - 50000
    assert proposal.calculation_id != before_calc
    new = CalculationSnapshot.objects.get(pk=proposal.calculation_id)
    assert new.created_by == f"user:{anna.pk}:anna"
    assert {"type": "rent", "amount": "6000.00"} in new.trace["input"]["costs"]
    adjustment = Adjustment.objects.get(proposal=proposal)
    assert adjustment.before_id == before_calc and adjustment.after_id == new.pk
    assert proposal.history.count() == 2  # created by the robot, changed by the caseworker
    assert proposal.history.earliest().amount_ore == before_amount
    assert "Boendekostnad: godtas med 6\u00a0000\u00a0kr" in page(client, ready)

    waived(ready, anna)
    review.approve(proposal, user=anna)
    item = Decision.objects.get(application=ready).items.get()
    assert item.amount_ore == before_amount - 50000
    assert "Hyresavin för april visar 6 000 kr." in item.reasons
    assert "Boendekostnad: godtas med" in item.reasons


def test_adding_changing_and_removing_incomes(world, ready):
    anna = world.users["anna"]
    proposal = proposal_of(ready)
    start = proposal.amount_ore
    review.adjust(
        proposal,
        user=anna,
        kind="add_income",
        member="b",
        income_type="parental_benefit",
        amount="1000",
        motivering_text="Föräldrapenning enligt utbetalningsbesked.",
    )
    assert proposal.amount_ore == start - 100000
    review.adjust(
        proposal,
        user=anna,
        kind="income_amount",
        index=0,
        amount="9500",
        motivering_text="Lönen enligt Skatteverket.",
    )
    assert proposal.amount_ore == start - 100000 - 150000
    review.adjust(
        proposal, user=anna, kind="remove_income", index=1, motivering_text="Felaktigt tillagd."
    )
    assert proposal.amount_ore == start - 150000
    assert [a.kind for a in Adjustment.objects.filter(proposal=proposal)] == [
        "add_income",
        "income_amount",
        "remove_income",
    ]
    assert proposal.calculation.trace["input"]["incomes"] == [
        {"type": "salary", "member": "a", "amount": "9500.00"}
    ]


def test_a_change_needs_a_motivering_and_a_valid_amount(client, world, ready):
    proposal = proposal_of(ready)
    client.force_login(world.users["anna"])
    response = client.post(
        URL.format(ready.pk) + "andra/cost/",
        {
            "kostnad-calculation": proposal.calculation_id,
            "kostnad-cost_type": "rent",
            "kostnad-amount": "sex tusen",
            "kostnad-motivering": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Det finns fel att rätta" in html
    assert 'href="#id_kostnad-motivering"' in html
    assert 'aria-invalid="true"' in html
    response = client.post(
        URL.format(ready.pk) + "andra/cost/",
        {
            "kostnad-calculation": proposal.calculation_id,
            "kostnad-cost_type": "rent",
            "kostnad-amount": "sex tusen",
            "kostnad-motivering": "Hyresavi.",
        },
    )
    assert response.status_code == 400
    assert "inte ett belopp" in response.content.decode()
    assert not Adjustment.objects.exists()


def test_partial_refusal_grants_less_with_the_reasons(client, world, ready):
    anna = world.users["anna"]
    proposal = proposal_of(ready)
    proposed = proposal.amount_ore
    waived(ready, anna)
    client.force_login(anna)
    response = client.post(
        URL.format(ready.pk) + "avsla/",
        {
            "avslag-calculation": proposal.calculation_id,
            "avslag-kind": "delvis",
            "avslag-amount": "5000",
            "avslag-motivering": "Hyran godtas inte fullt ut under rådrummet.",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(application=ready)
    assert (decision.outcome, decision.amount_ore) == ("partial", 500000)
    item = decision.items.get()
    assert (item.outcome, item.amount_ore) == ("partial", 500000)
    assert "Hyran godtas inte fullt ut under rådrummet." in item.reasons
    assert "avslås" in item.reasons
    assert decision.payment.amount_ore == 500000
    proposal.refresh_from_db()
    assert proposal.history.earliest().amount_ore == proposed


def test_full_refusal_pays_nothing(world, ready):
    waived(ready, world.users["anna"])
    result = review.refuse(
        proposal_of(ready), user=world.users["anna"], motivering_text="Inte arbetssökande."
    )
    decision = result.decision
    assert (decision.outcome, decision.amount_ore) == ("refusal", 0)
    assert "Inte arbetssökande." in decision.items.get().reasons
    assert not PaymentOrder.objects.filter(decision=decision).exists()


def test_partial_refusal_must_grant_less_than_proposed(client, world, ready):
    proposal = proposal_of(ready)
    client.force_login(world.users["anna"])
    response = client.post(
        URL.format(ready.pk) + "avsla/",
        {
            "avslag-calculation": proposal.calculation_id,
            "avslag-kind": "delvis",
            "avslag-amount": "999999",
            "avslag-motivering": "Skäl.",
        },
    )
    assert response.status_code == 400
    assert "Ett delvis avslag ska bevilja mindre än förslaget" in response.content.decode()
    response = client.post(
        URL.format(ready.pk) + "avsla/",
        {
            "avslag-calculation": proposal.calculation_id,
            "avslag-kind": "delvis",
            "avslag-motivering": "Skäl.",
        },
    )
    assert response.status_code == 400
    assert "Ange beloppet som beviljas" in response.content.decode()
    assert not Decision.objects.filter(application=ready).exists()


def test_requesting_completion(client, world, ready):
    anna = world.users["anna"]
    client.force_login(anna)
    response = client.post(
        URL.format(ready.pk) + "komplettering/",
        {"komplettering-message": "Skicka hyresavin för april."},
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.state == State.COMPLETION_REQUESTED
    request = CompletionRequest.objects.get(application=ready)
    assert (request.message, request.requested_by, request.answered_at) == (
        "Skicka hyresavin för april.",
        anna,
        None,
    )
    assert ready.transitions.last().actor == f"user:{anna.pk}:anna"
    assert AuditEvent.objects.filter(action="completion.requested").exists()
    queue = client.get("/handlaggning/ko/komplettering/").content.decode()
    assert ready.case.reference in queue
    html = page(client, ready)
    assert "Skicka hyresavin för april." in html
    assert "Godkänn förslaget och besluta" not in html


def test_the_journal_is_append_only(client, world, ready):
    anna = world.users["anna"]
    client.force_login(anna)
    response = client.post(URL.format(ready.pk) + "journal/", {"journal-text": "Ringde sökande."})
    assert response.status_code == 302
    note = JournalNote.objects.get()
    assert (note.case_id, note.author, note.text) == (ready.case_id, anna, "Ringde sökande.")
    assert "Ringde sökande." in page(client, ready)
    note.text = "Ändrat"
    with pytest.raises(AppendOnlyError):
        note.save()
    with pytest.raises(AppendOnlyError):
        note.delete()
    with pytest.raises(AppendOnlyError):
        JournalNote.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        JournalNote.objects.update(text="x")
    assert AuditEvent.objects.filter(action="journal.note_added", case_id=ready.case_id).exists()
    assert client.post(URL.format(ready.pk) + "journal/", {"journal-text": " "}).status_code == 400


def test_taking_and_assigning_work(client, world, ready):
    anna, bo, lead = world.users["anna"], world.users["bo"], world.users["lead"]
    client.force_login(anna)
    client.post(URL.format(ready.pk) + "ta/", {"next": "/handlaggning/"})
    assert Assignment.objects.get(application=ready).user == anna
    client.force_login(bo)
    response = client.post(URL.format(ready.pk) + "ta/", follow=True)
    assert "redan tilldelat" in response.content.decode()
    assert Assignment.objects.get(application=ready).user == anna
    with pytest.raises(PermissionDenied):
        review.assign(ready, user=anna, to_user=bo)
    client.force_login(lead)
    assert (
        client.post(URL.format(ready.pk) + "tilldela/", {"tilldela-user": bo.pk}).status_code == 302
    )
    assignment = Assignment.objects.get(application=ready)
    assert (assignment.user, assignment.assigned_by) == (bo, lead)
    # A caseworker of another unit cannot be given the case.
    with pytest.raises(review.ReviewError):
        review.assign(ready, user=lead, to_user=world.users["syd"])


def test_four_eyes_needs_a_second_different_caseworker(client, world, ready):
    anna, bo = world.users["anna"], world.users["bo"]
    proposal = proposal_of(ready)
    DecisionPolicy.objects.filter(municipality=ready.case.municipality).update(
        four_eyes_limit_ore=proposal.amount_ore - 1
    )
    first = review.approve(proposal, user=anna)
    assert first.decision is None and first.first_approval.approved_by == anna
    assert not Decision.objects.filter(application=ready).exists()
    with pytest.raises(review.ReviewError, match="annan handläggare"):
        review.approve(proposal, user=anna)
    client.force_login(anna)
    html = page(client, ready)
    assert "Väntar på andra godkännande" in html
    assert "Godkänn som andra handläggare" not in html
    client.force_login(bo)
    assert "Godkänn som andra handläggare" in page(client, ready)
    approval = FourEyesApproval.objects.get()
    response = client.post(URL.format(ready.pk) + f"godkann/{approval.pk}/", follow=True)
    assert "Beslutet är fattat" in response.content.decode()
    decision = Decision.objects.get(application=ready)
    assert decision.decided_by == bo
    assert decision.four_eyes_approver == anna
    event = AuditEvent.objects.get(action="decision.second_approval")
    assert event.data["first_approver"] == anna.pk
    # The case view and the letter name both approvers, the first first.
    assert "av Anna Testsson och Bo Testsson" in page(client, ready)
    letter = pdf_text(bytes(decision.letter.pdf))
    assert "Beslutet har fattats av Bo Testsson, handläggare" in letter
    assert "först godkänts av Anna Testsson, handläggare, och sedan av Bo Testsson" in letter


def test_below_the_four_eyes_limit_one_approval_decides_and_names_one(client, world, ready):
    anna = world.users["anna"]
    proposal = proposal_of(ready)
    DecisionPolicy.objects.filter(municipality=ready.case.municipality).update(
        four_eyes_limit_ore=proposal.amount_ore
    )
    result = review.approve(proposal, user=anna)
    assert result.first_approval is None
    assert (result.decision.decided_by, result.decision.four_eyes_approver) == (anna, None)
    assert not FourEyesApproval.objects.exists()
    letter = render_html(result.decision)
    assert "Beslutet har fattats av Anna Testsson, handläggare" in letter
    assert "först godkänts" not in letter


def test_four_eyes_first_approval_lapses_when_the_proposal_changes(world, ready):
    anna, bo = world.users["anna"], world.users["bo"]
    proposal = proposal_of(ready)
    DecisionPolicy.objects.filter(municipality=ready.case.municipality).update(
        four_eyes_limit_ore=100000
    )
    review.approve(proposal, user=anna)
    review.adjust(
        proposal, user=bo, kind="cost", cost_type="rent", amount="6000", motivering_text="Avi."
    )
    waived(ready, bo)
    result = review.approve(proposal, user=bo)
    assert result.decision is None  # bo's is now the first approval of the new proposal
    result = review.approve(proposal, user=anna)
    assert result.decision is not None and result.decision.decided_by == anna


def test_four_eyes_applies_to_a_partial_refusal_above_the_limit(world, ready):
    anna, bo = world.users["anna"], world.users["bo"]
    proposal = proposal_of(ready)
    DecisionPolicy.objects.filter(municipality=ready.case.municipality).update(
        four_eyes_limit_ore=100000
    )
    waived(ready, anna)
    first = review.refuse(proposal, user=anna, amount="5000", motivering_text="Skäl A.")
    assert first.decision is None
    result = review.confirm_first_approval(first.first_approval, user=bo)
    assert (result.decision.outcome, result.decision.amount_ore) == ("partial", 500000)
    assert "Skäl A." in result.decision.items.get().reasons
    assert (result.decision.decided_by, result.decision.four_eyes_approver) == (bo, anna)


def test_setting_an_income_to_zero_in_the_form_removes_it(client, world, ready):
    proposal = proposal_of(ready)
    start = proposal.amount_ore
    client.force_login(world.users["anna"])
    page_html = page(client, ready)
    assert "Lön (netto), sökande (19850201-****): 8\u00a0000\u00a0kr" in page_html
    response = client.post(
        URL.format(ready.pk) + "andra/income/",
        {
            "inkomst-calculation": proposal.calculation_id,
            "inkomst-index": "0",
            "inkomst-amount": "0,00",
            "inkomst-motivering": "Anställningen upphörde i mars.",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.amount_ore == start + 800000
    assert proposal.calculation.trace["input"]["incomes"] == []
    adjustment = Adjustment.objects.get()
    assert adjustment.kind == "remove_income"
    assert adjustment.description.startswith("Inkomst borttagen: Lön (netto), sökande")
