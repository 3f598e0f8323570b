"""The applicant's side in the case view: signatures, attachments and the message thread."""

from __future__ import annotations

from django.core.files.base import ContentFile

from bistand.audit.models import AuditEvent
from bistand.cases.services import get_or_create_person
from bistand.eservice import services
from bistand.eservice.models import Attachment, Message, Signature

from .conftest import APPLICANT


def add_attachment(application) -> Attachment:
    person = get_or_create_person(APPLICANT)
    stored = Attachment(
        application=application,
        uploaded_by=person,
        kind="rent",
        filename="hyresavi.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    stored.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    stored.save()
    return stored


def test_the_caseworker_reads_the_applicants_message_and_answers(client, world, ready):
    person = get_or_create_person(APPLICANT)
    services.send_message(ready.case, body="Min hyra har höjts.", person=person)
    client.force_login(world.users["anna"])
    page = client.get(f"/handlaggning/ansokan/{ready.pk}/").content.decode()
    assert "Min hyra har höjts." in page and "1 nya" in page
    assert Message.objects.get().read_at is not None  # read by the caseworker
    response = client.post(
        f"/handlaggning/ansokan/{ready.pk}/meddelande/", {"meddelande": "Skicka hyresavin."}
    )
    assert response.status_code == 302
    answer = Message.objects.get(from_applicant=False)
    assert (answer.staff, answer.body, answer.case) == (
        world.users["anna"],
        "Skicka hyresavin.",
        ready.case,
    )
    assert list(services.unread_messages(person)) == [answer]  # shown on Mina sidor


def test_an_empty_message_is_refused_with_a_message(client, world, ready):
    client.force_login(world.users["anna"])
    response = client.post(f"/handlaggning/ansokan/{ready.pk}/meddelande/", {"meddelande": " "})
    assert "Meddelandet är tomt" in client.get(response["Location"]).content.decode()
    assert not Message.objects.exists()


def test_the_auditor_reads_the_thread_but_cannot_write(client, world, ready):
    client.force_login(world.users["auditor"])
    assert "Inga meddelanden" in client.get(f"/handlaggning/ansokan/{ready.pk}/").content.decode()
    response = client.post(f"/handlaggning/ansokan/{ready.pk}/meddelande/", {"meddelande": "x"})
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_attachments_are_served_to_the_cases_staff_only_and_logged(client, world, ready):
    stored = add_attachment(ready)
    url = f"/handlaggning/ansokan/{ready.pk}/bilaga/{stored.pk}/"
    client.force_login(world.users["syd"])  # another unit
    assert client.get(url).status_code == 404
    client.force_login(world.users["anna"])
    page = client.get(f"/handlaggning/ansokan/{ready.pk}/").content.decode()
    assert "hyresavi.pdf" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"
    assert AuditEvent.objects.filter(
        action="case.opened", case_id=ready.case_id, data__view="workspace.attachment"
    ).exists()


def test_the_signatures_are_shown(client, world, ready):
    from django.utils import timezone

    Signature.objects.create(
        application=ready,
        person=get_or_create_person(APPLICANT),
        role="applicant",
        declared_sha256="ab" * 32,
        issuer="http://e-id.test",
        authenticated_at=timezone.now(),
        login_ref="r",
    )
    client.force_login(world.users["anna"])
    page = client.get(f"/handlaggning/ansokan/{ready.pk}/").content.decode()
    assert "skrev under" in page and "abababababab" in page


def test_the_queue_page_lists_cases_with_unread_messages_for_their_staff_only(client, world, ready):
    services.send_message(ready.case, body="Hej", person=get_or_create_person(APPLICANT))
    client.force_login(world.users["syd"])  # another unit
    assert "Nya meddelanden från sökande" not in client.get("/handlaggning/").content.decode()
    client.force_login(world.users["anna"])
    page = client.get("/handlaggning/").content.decode()
    assert "Nya meddelanden från sökande" in page
    assert f'href="/handlaggning/ansokan/{ready.pk}/#meddelanden">{ready.case.reference}' in page
    client.get(f"/handlaggning/ansokan/{ready.pk}/")  # read
    assert "Nya meddelanden från sökande" not in client.get("/handlaggning/").content.decode()
