"""Issue 13's walk, the planning part: a new applicant submits a nyansökan in the e-service,
gives an e-mail address, books a meeting for tomorrow among the demo's slots, and the e-mail
arrives at an SMTP server on loopback; the arbetsmarknadssekreterare records the meeting."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from bistand.cases.models import Application, ApplicationKind, State
from bistand.eservice.models import Draft
from bistand.eservice.tests.test_apply import SOLO, complete, register_alone
from bistand.notifications import tasks
from bistand.notifications.models import Notice, Status
from bistand.notifications.tests.conftest import smtp_server  # noqa: F401
from bistand.planning import demo, services
from bistand.planning.models import Booking


def test_nyansokan_books_tomorrow_and_gets_an_email(
    db,
    client,
    eid_login,
    register_simulator,
    smtp_server,  # noqa: F811
):
    from bistand.cases.seeding import get_municipality
    from bistand.eservice.services import months_open

    get_municipality()
    month = months_open()[0]
    register_alone(register_simulator, SOLO, month)
    eid_login(client, SOLO)
    client.post("/mina-sidor/ansok/", {"month": month})
    draft = complete(Draft.objects.get())
    client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    application = Application.objects.get()
    assert application.kind == ApplicationKind.FIRST and application.state == State.SUBMITTED

    demo.seed()  # the demo's slots: tomorrow and the day after
    client.post(
        "/mina-sidor/aviseringar/", {"email": "ny@example.org", "mobile": "", "consent": "yes"}
    )
    home = client.get("/mina-sidor/").content.decode()
    assert "Boka planeringsmöte" in home
    page = client.get("/mina-sidor/planeringsmote/").content.decode()
    tomorrow = timezone.localdate() + timedelta(days=1)
    offered = services.offered_slots(application.case).slots
    slot = next(s for s in offered if timezone.localtime(s.starts_at).date() == tomorrow)
    assert f'value="{slot.pk}"' in page
    response = client.post(
        "/mina-sidor/planeringsmote/", {"case": application.case_id, "slot": slot.pk}
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert timezone.localtime(booking.slot.starts_at).date() == tomorrow

    notice = Notice.objects.get(kind="meeting_booked")
    assert tasks.send_notice.call(notice.pk) == "sent"
    [mail] = smtp_server.messages
    assert mail["to"] == ["ny@example.org"]
    assert "Du har ett nytt meddelande i Bistånd" in mail["data"]
    assert SOLO not in mail["data"] and SOLO[2:8] not in mail["data"]
    notice.refresh_from_db()
    assert notice.status == Status.SENT

    secretary = get_user_model().objects.get(username="arbetsmarknad")
    assert booking in services.upcoming(secretary)
    with time_machine.travel(booking.slot.ends_at):
        services.record_outcome(secretary, booking, "held", "Mål: arbete. Steg: CV, SFI.")
    assert services.waiting(secretary) == []
