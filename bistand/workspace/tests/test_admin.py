"""The workspace's records and the archived letters in the admin: read-only, only what the user
may see, and every opening in the access log."""

from __future__ import annotations

import pytest

from bistand.audit.models import AuditEvent
from bistand.decisions import review
from bistand.letters.models import DecisionLetter
from bistand.workspace.models import (
    Adjustment,
    Assignment,
    CompletionRequest,
    FourEyesApproval,
    JournalNote,
)

from .conftest import HIDDEN, proposal_of

pytestmark = pytest.mark.django_db

MODELS = {
    "assignment": Assignment,
    "journalnote": JournalNote,
    "completionrequest": CompletionRequest,
    "adjustment": Adjustment,
    "foureyesapproval": FourEyesApproval,
}


def staff(user):
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def records(world, ready):
    """Each workspace record on the ready application, and a journal note on a protected case."""
    anna, bo = world.users["anna"], world.users["bo"]
    proposal = proposal_of(ready)
    review.assign(ready, user=anna)
    review.add_journal_note(ready.case, user=anna, text="Ringde sökande.")
    review.adjust(
        proposal, user=anna, kind="cost", cost_type="rent", amount="6000", motivering_text="Avi."
    )
    proposal.refresh_from_db()
    review.request_completion(ready, user=bo, message="Skicka hyresavin.")
    hidden = world.household(
        "hidden", world.north, applicant=HIDDEN, partner=None, child=None, protected=True
    )
    review.add_journal_note(hidden, user=world.users["cleared"], text="Skyddad.")
    return {
        "assignment": Assignment.objects.get(),
        "journalnote": JournalNote.objects.get(case=ready.case),
        "completionrequest": CompletionRequest.objects.get(),
        "adjustment": Adjustment.objects.get(),
        "hidden_note": JournalNote.objects.get(case=hidden),
    }


def test_the_auditor_reads_every_workspace_record_and_each_opening_is_logged(
    client, world, ready, records
):
    auditor = staff(world.users["auditor"])
    # A first approval too (it needs a proposal still waiting: made on a fresh state).
    FourEyesApproval.objects.create(
        proposal=proposal_of(ready),
        calculation=proposal_of(ready).calculation,
        outcome="grant",
        amount_ore=100,
        approved_by=world.users["anna"],
    )
    client.force_login(auditor)
    for name, model in MODELS.items():
        obj = records.get(name) or model.objects.get()
        listing = client.get(f"/admin/workspace/{name}/")
        assert listing.status_code == 200, name
        assert obj in listing.context["cl"].queryset, name
        url = f"/admin/workspace/{name}/{obj.pk}/change/"
        assert client.get(url).status_code == 200, name
        # Read-only: nothing is added, changed or deleted, whatever is posted.
        assert client.post(url, {}).status_code == 403, name
        assert client.get(f"/admin/workspace/{name}/add/").status_code == 403, name
        delete = f"/admin/workspace/{name}/{obj.pk}/delete/"
        assert client.post(delete, {"post": "yes"}).status_code == 403, name
        assert model.objects.filter(pk=obj.pk).exists()
    views = set(
        AuditEvent.objects.filter(
            action="case.opened", case_id=ready.case_id, actor__startswith=f"user:{auditor.pk}:"
        ).values_list("data__view", flat=True)
    )
    assert views == {f"admin.{name}" for name in MODELS}


def test_the_journal_text_is_shown_to_read_but_not_as_a_field_to_edit(client, world, records):
    client.force_login(staff(world.users["auditor"]))
    note = records["journalnote"]
    page = client.get(f"/admin/workspace/journalnote/{note.pk}/change/").content.decode()
    assert "Ringde sökande." in page
    assert 'name="text"' not in page


def test_a_protected_case_s_records_are_not_found_without_access(client, world, records):
    hidden = records["hidden_note"]
    client.force_login(staff(world.users["auditor"]))  # no protected-identity access
    listing = client.get("/admin/workspace/journalnote/")
    assert hidden not in listing.context["cl"].queryset
    assert records["journalnote"] in listing.context["cl"].queryset
    assert client.get(f"/admin/workspace/journalnote/{hidden.pk}/change/").status_code == 302
    assert not AuditEvent.objects.filter(action="case.opened", case_id=hidden.case_id).exists()


def test_caseworkers_have_no_workspace_admin(client, world, records):
    client.force_login(staff(world.users["anna"]))
    assert client.get("/admin/workspace/journalnote/").status_code == 403


@pytest.fixture
def letter(client, world, ready):
    """The ready application approved by anna (Enhet Nord), its letter archived."""
    result = review.approve(proposal_of(ready), user=world.users["anna"])
    return review.archive_letter(result.decision, user=world.users["anna"])


def test_the_letters_admin_lists_only_letters_of_cases_the_user_sees(client, world, ready, letter):
    assert isinstance(letter, DecisionLetter)
    # An administrator of the municipality sees it, and opening it is logged.
    client.force_login(staff(world.users["admin"]))
    listing = client.get("/admin/letters/decisionletter/")
    assert list(listing.context["cl"].queryset) == [letter]
    assert client.get(f"/admin/letters/decisionletter/{letter.pk}/change/").status_code == 200
    event = AuditEvent.objects.get(action="case.opened", data__view="admin.decisionletter")
    assert event.case_id == ready.case_id and event.data["purpose"] == "administration"

    # Once the case has protected identity, an administrator without that access does not.
    ready.case.restricted = True
    ready.case.save()
    listing = client.get("/admin/letters/decisionletter/")
    assert list(listing.context["cl"].queryset) == []
    assert client.get(f"/admin/letters/decisionletter/{letter.pk}/change/").status_code == 302
    delete = f"/admin/letters/decisionletter/{letter.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert DecisionLetter.objects.filter(pk=letter.pk).exists()
