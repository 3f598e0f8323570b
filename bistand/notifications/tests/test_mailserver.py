"""The local SMTP stand-in of `make run`: a notice sent to it lands in var/mail/ and
`bistand mail` shows it."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from bistand.cases.services import get_or_create_person
from bistand.notifications import mailstore, services, tasks

from .conftest import free_port


def test_a_notice_lands_in_the_mail_directory(db, tmp_path, settings):
    port = free_port()
    controller = mailstore.start(tmp_path, port)
    settings.NOTIFY_SMTP_PORT = port
    try:
        person = get_or_create_person("19850201-9980")
        services.save_preference(person, email="anna@example.org", mobile="")
        [notice] = services.notify(person, "meeting_booked")
        assert tasks.send_notice.call(notice.pk) == "sent"
    finally:
        controller.stop()
    [mail] = mailstore.messages(tmp_path)
    assert mail.to == "anna@example.org"
    assert mail.subject == "Du har ett nytt meddelande i Bistånd"
    out = StringIO()
    call_command("mail", "--dir", str(tmp_path), stdout=out)
    assert "anna@example.org" in out.getvalue()
    out = StringIO()
    call_command("mail", "--dir", str(tmp_path), "--last", stdout=out)
    assert "/mina-sidor/" in out.getvalue() and "Ämne: Du har ett nytt meddelande" in out.getvalue()
