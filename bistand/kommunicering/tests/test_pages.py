"""The pages: the caseworker sends and records a waiver from the case view, the queue shows the
deadline clock, the applicant and the partner answer on Mina sidor — and the attacks: another
applicant, a read-only role, another unit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bistand.audit.models import AuditEvent
from bistand.decisions.models import Decision
from bistand.eservice.models import Attachment, Message
from bistand.kommunicering import services
from bistand.kommunicering.models import Kommunicering, Waiver

from .conftest import APPLICANT, PARTNER, proposal_of

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OTHER = "196001019980"


def html(response) -> str:
    return response.content.decode().replace("\u00a0", " ")


def send_url(application):
    return f"/handlaggning/ansokan/{application.pk}/kommunicering/ny/"


def post_send(client, application, **extra):
    flags, lines = services.material_choices(application)
    data = {
        "material": [c.key for c in flags + lines if c.adverse],
        "text": "Vi avser att godta hyran upp till riktlinjen.",
        "deadline": services.default_deadline().isoformat(),
    }
    data.update(extra)
    return client.post(send_url(application), data)


def test_the_case_view_says_kommunicering_is_needed_and_the_caseworker_sends(client, world, capped):
    client.force_login(world.users["anna"])
    page = html(client.get(f"/handlaggning/ansokan/{capped.pk}/"))
    assert "Förslaget går emot den sökande i: Boendekostnad: godtas med 5 000 kr" in page
    assert "kommunicera innan beslut" in page
    form = html(client.get(send_url(capped)))
    assert 'value="cap-rent" checked' in form
    assert services.default_deadline().isoformat() in form

    response = post_send(client, capped)
    assert response.status_code == 302
    sent = Kommunicering.objects.get(application=capped)
    assert sent.material["text"] == "Vi avser att godta hyran upp till riktlinjen."
    assert AuditEvent.objects.filter(action="kommunicering.sent", case_id=capped.case_id).exists()
    page = html(client.get(f"/handlaggning/ansokan/{capped.pk}/"))
    assert "väntar på svar" in page and "till och med" in page

    queue = html(client.get("/handlaggning/kommunicering/"))
    assert capped.case.reference in queue and sent.deadline.isoformat() in queue
    assert "Kommunicering – väntar på svar" in html(client.get("/handlaggning/"))


def test_the_decision_page_refuses_until_answer_deadline_or_waiver(client, world, capped):
    client.force_login(world.users["anna"])
    proposal = proposal_of(capped)
    approve = f"/handlaggning/ansokan/{capped.pk}/godkann/"
    response = client.post(approve, {"godkann-calculation": proposal.calculation_id})
    assert response.status_code == 400
    assert "Kommunicera underlaget" in html(response)
    post_send(client, capped)
    response = client.post(approve, {"godkann-calculation": proposal.calculation_id})
    assert response.status_code == 400 and "till och med" in html(response)
    assert not Decision.objects.filter(application=capped).exists()

    waived = client.post(
        f"/handlaggning/ansokan/{capped.pk}/kommunicering/avsta/",
        {"ground": "urgent", "text": "Vräkning hotar; beslut i dag."},
    )
    assert waived.status_code == 302
    response = client.post(approve, {"godkann-calculation": proposal.calculation_id})
    assert response.status_code == 302
    assert Decision.objects.filter(application=capped).exists()


def test_bad_input_gets_a_swedish_message_and_nothing_is_sent(client, world, capped):
    client.force_login(world.users["anna"])
    response = post_send(client, capped, material=[], text="", deadline="2026-13-01")
    assert response.status_code == 400
    assert "Skriv datumet som ÅÅÅÅ-MM-DD." in html(response)
    response = post_send(client, capped, material=[], text="")
    assert response.status_code == 400
    assert "Välj minst en uppgift" in html(response)
    assert not Kommunicering.objects.exists()


def test_a_waiver_without_ground_or_reason_is_refused_and_the_text_kept(client, world, capped):
    client.force_login(world.users["anna"])
    url = f"/handlaggning/ansokan/{capped.pk}/kommunicering/avsta/"
    response = client.post(url, {"text": "Elen stängs av i morgon."})
    assert response.status_code == 400
    page = html(response)
    assert 'href="#id_ground_0">Välj skälet att besluta utan kommunicering.' in page
    assert "Elen stängs av i morgon.</textarea>" in page
    response = client.post(url, {"ground": "urgent", "text": " "})
    assert response.status_code == 400
    assert "Skriv varför beslutet inte kan vänta på kommunicering." in html(response)
    assert not Waiver.objects.exists()
    # the page shown again is an opening of the case: access-logged
    from bistand.audit.models import AuditEvent

    assert AuditEvent.objects.filter(
        action="case.opened", data__view="kommunicering.waive"
    ).exists()


def test_read_only_staff_cannot_send_another_unit_does_not_see(client, world, capped):
    for user, expected in (("auditor", 403), ("syd", 404), ("norole", 403)):
        client.force_login(world.users[user])
        assert post_send(client, capped).status_code == expected, user
        waived = client.post(
            f"/handlaggning/ansokan/{capped.pk}/kommunicering/avsta/",
            {"ground": "urgent", "text": "x"},
        )
        assert waived.status_code == expected, user
    client.logout()
    assert post_send(client, capped).status_code == 302  # to the login page
    assert not Kommunicering.objects.exists() and not Waiver.objects.exists()
    # The auditor reads the queue, and sees no form to send on the case view.
    client.force_login(world.users["auditor"])
    assert client.get("/handlaggning/kommunicering/").status_code == 200
    assert "Skicka kommunicering" not in html(client.get(f"/handlaggning/ansokan/{capped.pk}/"))
    # Another unit's queue does not list the application.
    services.send(
        capped,
        user=world.users["anna"],
        keys=["cap-rent"],
        deadline=services.default_deadline(),
    )
    client.force_login(world.users["syd"])
    assert capped.case.reference not in html(client.get("/handlaggning/kommunicering/"))


# --------------------------------------------------------------------------- Mina sidor


def test_the_applicant_sees_the_material_and_answers_with_a_file(client, eid_login, world, capped):
    sent = services.send(
        capped,
        user=world.users["anna"],
        keys=["cap-rent", "flag-0"],
        text="Hyran är högre än riktlinjen.",
        deadline=services.default_deadline(),
    )
    eid_login(client, APPLICANT)
    home = html(client.get("/mina-sidor/"))
    assert "Du har fått material att yttra dig över" in home
    page = html(client.get(f"/mina-sidor/ansokan/{capped.pk}/"))
    assert "Material att yttra dig över" in page
    assert "Boendekostnad: godtas med 5 000 kr i stället för 6 500 kr" in page
    assert "Hyran är högre än riktlinjen." in page
    # Part 6: which registers were asked and when, never what they answered.
    assert "Försäkringskassan" in page and "Skatteverket" in page
    assert "8 000 kr" not in page.split("Frågor till andra myndigheter")[1].split("</table>")[0]

    url = f"/mina-sidor/ansokan/{capped.pk}/kommunicering/{sent.pk}/svar/"
    empty = client.post(url, {"komm-answer": ""})
    assert empty.status_code == 400 and "Skriv ditt svar innan du skickar." in html(empty)
    done = client.post(
        url,
        {
            "komm-answer": "Jag söker billigare bostad. Här är min ansökan till bostadsbolaget.",
            "kommbilaga-kind": "other",
            "kommbilaga-file": SimpleUploadedFile("bostad.pdf", PDF, "application/pdf"),
        },
    )
    assert done.status_code == 302
    sent.refresh_from_db()
    assert sent.answer.startswith("Jag söker billigare bostad")
    assert sent.answered_by.personnummer == APPLICANT
    (attachment,) = Attachment.objects.filter(pk__in=sent.answer_attachments)
    assert attachment.application_id == capped.pk
    assert Message.objects.filter(
        application=capped, from_applicant=True, body__startswith="Svar på kommunicering"
    ).exists()
    assert "Du har fått material" not in html(client.get("/mina-sidor/"))
    again = client.post(url, {"komm-answer": "Igen."})
    assert again.status_code == 400 and "redan svarat" in html(again)


def test_the_partner_may_answer_too(client, eid_login, world, couple_capped):
    sent = services.send(
        couple_capped,
        user=world.users["anna"],
        keys=["cap-rent"],
        deadline=services.default_deadline(),
    )
    eid_login(client, PARTNER)
    url = f"/mina-sidor/ansokan/{couple_capped.pk}/kommunicering/{sent.pk}/svar/"
    assert client.post(url, {"komm-answer": "Vi har tre barn på umgänge."}).status_code == 302
    sent.refresh_from_db()
    assert sent.answered_by.personnummer == PARTNER


def test_another_applicant_cannot_read_or_answer(client, eid_login, world, capped):
    sent = services.send(
        capped,
        user=world.users["anna"],
        keys=["cap-rent"],
        text="Hemligt underlag.",
        deadline=services.default_deadline(),
    )
    world.household("other", world.north, applicant=OTHER, partner=None, child=None)
    eid_login(client, OTHER)
    assert client.get(f"/mina-sidor/ansokan/{capped.pk}/").status_code == 404
    assert "Hemligt underlag" not in html(client.get("/mina-sidor/"))
    url = f"/mina-sidor/ansokan/{capped.pk}/kommunicering/{sent.pk}/svar/"
    assert client.post(url, {"komm-answer": "Inte min."}).status_code == 404
    sent.refresh_from_db()
    assert not sent.answered


def test_an_answer_after_the_deadline_is_still_taken_before_the_decision(
    client, eid_login, world, capped
):
    sent = services.send(
        capped, user=world.users["anna"], keys=["cap-rent"], deadline=services.default_deadline()
    )
    Kommunicering.objects.filter(pk=sent.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(world.users["anna"])
    assert "Svarstiden har gått ut: kan beslutas" in html(
        client.get("/handlaggning/kommunicering/")
    )
    client.logout()
    eid_login(client, APPLICANT)
    url = f"/mina-sidor/ansokan/{capped.pk}/kommunicering/{sent.pk}/svar/"
    assert client.post(url, {"komm-answer": "Sent men ändå."}).status_code == 302
    assert AuditEvent.objects.filter(action="kommunicering.answered").get().data["late"] is True
