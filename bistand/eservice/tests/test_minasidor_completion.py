"""Mina sidor: answering the caseworker's request for completion (with a file, optionally) and
the secure message thread with the caseworker, both ways."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bistand.cases.models import State
from bistand.decisions import review
from bistand.decisions.models import DecisionPolicy
from bistand.eservice import services
from bistand.eservice.models import Attachment, Message
from bistand.robot import pipeline
from bistand.staff.models import Role
from bistand.staff.testing import make_staff
from bistand.workspace.models import CompletionRequest

from .test_minasidor import APPLICANT, apply_for_april, family, flat, page  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def caseworker(family):  # noqa: F811
    return make_staff("handlaggare", Role.CASEWORKER, [family.unit])


@pytest.fixture
def waiting(family, caseworker):  # noqa: F811
    """April's application at a caseworker, who asks for the rent notice."""
    DecisionPolicy.objects.filter(municipality=family.municipality).update(
        automate_clean_repeat_grants=False
    )
    application = apply_for_april(family)
    assert pipeline.process(application.pk) == "proposal"
    application.refresh_from_db()
    review.request_completion(
        application, user=caseworker, message="Skicka hyresavin för april.\nTack!"
    )
    application.refresh_from_db()
    assert application.state == State.COMPLETION_REQUESTED
    return application


def test_the_request_is_shown_and_answered_with_a_file(client, eid_login, waiting):
    eid_login(client, APPLICANT)
    url = f"/mina-sidor/ansokan/{waiting.pk}/"
    html = page(client, url)
    assert "Din handläggare behöver fler uppgifter" in html
    assert "Skicka hyresavin för april.<br>Tack!" in html
    assert "Komplettering begärd" in html
    assert 'name="bilaga-file"' in html and 'enctype="multipart/form-data"' in html

    done = client.post(
        url,
        {
            "answer": "1",
            "svar-answer": "Här är hyresavin.",
            "bilaga-kind": "rent",
            "bilaga-file": SimpleUploadedFile("hyresavi april.pdf", PDF, "application/pdf"),
        },
    )
    assert done.status_code == 302 and done["Location"] == url
    waiting.refresh_from_db()
    assert waiting.state == State.SUBMITTED
    request = CompletionRequest.objects.get(application=waiting)
    assert request.answer == "Här är hyresavin." and request.answered_at is not None
    attachment = Attachment.objects.get(application=waiting)
    assert attachment.filename == "hyresavi april.pdf" and attachment.kind == "rent"
    assert attachment.content_type == "application/pdf" and attachment.draft is None
    assert Message.objects.get(case=waiting.case).body.startswith("Svar på begäran")

    html = page(client, url)
    assert "Tack! Ditt svar är skickat." in html
    assert "Din handläggare behöver fler uppgifter" not in html
    assert "Komplettering inkommen" in html
    download = client.get(f"{url}bilagor/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_an_empty_answer_or_a_wrong_file_is_refused_next_to_the_field(client, eid_login, waiting):
    eid_login(client, APPLICANT)
    url = f"/mina-sidor/ansokan/{waiting.pk}/"
    empty = client.post(url, {"answer": "1", "svar-answer": "  "})
    assert empty.status_code == 200
    html = empty.content.decode()
    assert "Det finns fel i formuläret" in html
    assert 'href="#id_svar-answer"' in html
    assert 'id="id_svar-answer-error"' in html and "Skriv ditt svar till handläggaren." in html
    assert "<title>Fel:" in html

    wrong = client.post(
        url,
        {
            "answer": "1",
            "svar-answer": "Se bilagan.",
            "bilaga-kind": "rent",
            "bilaga-file": SimpleUploadedFile("virus.html", b"<script>", "text/html"),
        },
    )
    assert wrong.status_code == 200
    html = wrong.content.decode()
    assert 'href="#id_bilaga-file"' in html and "Filen måste vara en PDF, JPG eller PNG." in html
    waiting.refresh_from_db()
    assert waiting.state == State.COMPLETION_REQUESTED
    assert not Attachment.objects.exists()
    assert CompletionRequest.objects.get().answered_at is None


def test_no_open_request_nothing_to_answer(client, eid_login, waiting):
    services.answer_completion(waiting, waiting.case.household.members.first().person, "Svar")
    eid_login(client, APPLICANT)
    url = f"/mina-sidor/ansokan/{waiting.pk}/"
    response = client.post(url, {"answer": "1", "svar-answer": "Igen"}, follow=True)
    assert "Det finns ingen begäran om komplettering att svara på." in response.content.decode()
    assert CompletionRequest.objects.get().answer == "Svar"


# --------------------------------------------------------------------------- messages


def test_messages_both_ways(client, eid_login, family, caseworker):  # noqa: F811
    application = apply_for_april(family)
    services.send_message(
        family, body="Hej! Jag är din handläggare.\nHör av dig vid frågor.", staff=caseworker
    )
    eid_login(client, APPLICANT)
    home = page(client, "/mina-sidor/")
    assert "Du har 1 oläst meddelande från din handläggare." in home
    assert f'href="/mina-sidor/ansokan/{application.pk}/#meddelanden"' in home

    url = f"/mina-sidor/ansokan/{application.pk}/"
    html = page(client, url)
    assert "Från handläggaren" in html
    assert "Hej! Jag är din handläggare.<br>Hör av dig vid frågor." in html
    assert "Nytt" in html
    staff_message = Message.objects.get()
    assert staff_message.read_at is not None
    assert "oläst" not in page(client, "/mina-sidor/")
    assert "Nytt" not in page(client, url)

    sent = client.post(url, {"message": "1", "meddelande-body": "<script>alert(1)</script>\nTack!"})
    assert sent.status_code == 302 and sent["Location"] == f"{url}#meddelanden"
    mine = Message.objects.get(from_applicant=True)
    assert mine.person.personnummer == APPLICANT and mine.application == application
    assert mine.staff is None and mine.body == "<script>alert(1)</script>\nTack!"
    html = page(client, url)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Tack!" in html
    assert "<script>alert(1)" not in html
    assert "Från dig" in html and "Ditt meddelande är skickat" in html


def test_an_empty_or_too_long_message_is_refused(client, eid_login, family):  # noqa: F811
    application = apply_for_april(family)
    eid_login(client, APPLICANT)
    url = f"/mina-sidor/ansokan/{application.pk}/"
    empty = client.post(url, {"message": "1", "meddelande-body": ""})
    assert empty.status_code == 200
    html = empty.content.decode()
    assert 'href="#id_meddelande-body"' in html
    assert "Skriv ett meddelande innan du skickar." in html
    long = client.post(url, {"message": "1", "meddelande-body": "x" * 5001})
    assert "Meddelandet får vara högst 5 000 tecken." in flat(long.content.decode())
    assert not Message.objects.exists()
