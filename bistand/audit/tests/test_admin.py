"""In the admin the audit log can be read, and nothing else, even by a superuser."""

import pytest

from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor, record, verify_chain


@pytest.fixture
def event(db):
    return record("case.created", actor=Actor.system("robot"), case_id=5, data={"k": "v"})


def test_the_list_and_an_event_can_be_read(admin_client, event):
    listing = admin_client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert "case.created" in listing.content.decode()

    detail = admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert detail.status_code == 200
    assert event.hash in detail.content.decode()


def test_searching_by_case_number_and_by_text_works(admin_client, event):
    assert admin_client.get("/admin/audit/auditevent/", {"q": "5"}).status_code == 200
    assert admin_client.get("/admin/audit/auditevent/", {"q": "robot"}).status_code == 200


def test_nothing_can_be_added_changed_or_deleted(admin_client, event):
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    changed = admin_client.post(
        f"/admin/audit/auditevent/{event.pk}/change/", {"actor": "user:1:mallory"}
    )
    assert changed.status_code == 403
    deleted = admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403

    assert AuditEvent.objects.get(pk=event.pk).actor == "system:robot"
    assert verify_chain().ok
