"""The access log: every time a staff member opens a case, lag (2001:454)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bistand.audit.models import AuditEvent
from bistand.audit.services import record_access, verify_chain


@pytest.mark.django_db
def test_opening_a_case_is_logged_with_who_which_case_and_why(staff_user):
    event = record_access(
        staff_user, case_id=314, purpose="handläggning av ansökan", view="workspace.case_detail"
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "case.opened"
    assert stored.actor == f"user:{staff_user.pk}:handlaggare.anna"
    assert stored.case_id == 314
    assert stored.subject == "case:314"
    assert stored.data == {"purpose": "handläggning av ansökan", "view": "workspace.case_detail"}
    assert verify_chain().ok


@pytest.mark.django_db
def test_who_opened_a_case_can_be_listed(staff_user, django_user_model):
    other = django_user_model.objects.create_user(username="handlaggare.bo", password="x")
    record_access(staff_user, case_id=1, purpose="handläggning")
    record_access(other, case_id=1, purpose="uppföljning")
    record_access(other, case_id=2, purpose="handläggning")

    opened_case_1 = AuditEvent.objects.filter(action="case.opened", case_id=1)
    assert sorted(opened_case_1.values_list("actor", flat=True)) == [
        f"user:{staff_user.pk}:handlaggare.anna",
        f"user:{other.pk}:handlaggare.bo",
    ]


@pytest.mark.django_db
def test_an_access_without_a_purpose_is_refused(staff_user):
    with pytest.raises(ValueError, match="purpose"):
        record_access(staff_user, case_id=1, purpose="")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_access_must_name_the_case(staff_user):
    with pytest.raises(ValueError, match="case_id"):
        record_access(staff_user, case_id=None, purpose="handläggning")


@pytest.mark.django_db
def test_an_anonymous_visitor_cannot_be_logged_as_opening_a_case():
    with pytest.raises(ValueError, match="logged-in"):
        record_access(AnonymousUser(), case_id=1, purpose="handläggning")


@pytest.mark.django_db
def test_a_purpose_holding_a_personnummer_is_refused(staff_user):
    with pytest.raises(ValueError, match="personnummer"):
        record_access(staff_user, case_id=1, purpose="kontroll av 811218-9876")
