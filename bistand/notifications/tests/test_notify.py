"""notify(): who gets what, sent over real SMTP on loopback, retried, and shown when it fails;
never a personal detail in a message."""

from __future__ import annotations

import email
from email.header import decode_header, make_header

import pytest
from django_tasks_db.models import DBTaskResult

from bistand.audit.models import AuditEvent
from bistand.cases.services import get_or_create_person
from bistand.notifications import services, sms, tasks
from bistand.notifications.models import ContactPreference, Notice, Status

PERSON = "19850201-9980"


@pytest.fixture
def anna(db):
    person = get_or_create_person(PERSON)
    person.given_name, person.family_name = "Anna", "Andersson"
    person.save()
    return person


def run_queued(django_capture_on_commit_callbacks, fn):
    with django_capture_on_commit_callbacks(execute=True):
        result = fn()
    return result


def run_tasks():
    """Run the queued notice tasks as the worker would (ignoring run_after)."""
    done = 0
    for row in DBTaskResult.objects.filter(status="READY", task_path__endswith="send_notice"):
        row.delete()
        tasks.send_notice.call(*row.args_kwargs["args"])
        done += 1
    return done


def parsed(message) -> tuple[str, str]:
    msg = email.message_from_bytes(message["raw"])
    subject = str(make_header(decode_header(msg["Subject"])))
    body = msg.get_payload(decode=True).decode(msg.get_content_charset() or "utf-8")
    return subject, body


def test_unknown_kind_is_a_value_error(anna):
    with pytest.raises(ValueError, match="unknown notification kind"):
        services.notify(anna, "something_else")


def test_no_consent_no_notice(anna):
    assert services.notify(anna, "decision_made") == []
    assert not Notice.objects.exists()


def test_email_over_smtp_without_personal_detail(
    anna, smtp_server, django_capture_on_commit_callbacks
):
    services.save_preference(anna, email="anna@example.org", mobile="070-123 45 67")
    notices = run_queued(
        django_capture_on_commit_callbacks, lambda: services.notify(anna, "decision_made")
    )
    assert {n.channel for n in notices} == {"email", "sms"}
    sms.LogOnlySmsGateway.sent.clear()
    assert run_tasks() == 2
    assert set(Notice.objects.values_list("status", flat=True)) == {Status.SENT}
    [message] = smtp_server.messages
    assert message["to"] == ["anna@example.org"]
    subject, body = parsed(message)
    assert subject == "Du har ett nytt meddelande i Bistånd"
    assert "/mina-sidor/" in body
    [(to, text)] = sms.LogOnlySmsGateway.sent
    assert to == "+46701234567" and text == services.body()
    for text in (subject, body, message["data"], sms.LogOnlySmsGateway.sent[0][1]):
        for detail in ("Anna", "Andersson", "198502019980", "850201", "beslut", "decision"):
            assert detail not in text


def test_failure_is_retried_with_backoff_then_visible(
    anna, no_smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RETRY_SECONDS = 10
    services.save_preference(anna, email="anna@example.org", mobile="")
    [notice] = run_queued(
        django_capture_on_commit_callbacks, lambda: services.notify(anna, "completion_requested")
    )
    waits = []
    for _ in range(3):
        row = DBTaskResult.objects.get(status="READY", task_path__endswith="send_notice")
        waits.append(row.run_after)
        row.delete()
        tasks.send_notice.call(notice.pk)
    notice.refresh_from_db()
    assert notice.status == Status.FAILED and notice.attempts == 3
    assert "anna" not in notice.last_error
    assert waits[0].year == 9999  # django-tasks' "as soon as possible"
    assert 9 <= (waits[2] - waits[1]).total_seconds() <= 21  # waited 10 s, then 20 s
    assert not DBTaskResult.objects.filter(status="READY").exists()
    event = AuditEvent.objects.get(action="notifications.failed")
    assert event.data == {"kind": "completion_requested", "channel": "email", "attempts": 3}


def test_withdrawn_consent_stops_a_queued_notice(
    anna, smtp_server, django_capture_on_commit_callbacks
):
    services.save_preference(anna, email="anna@example.org", mobile="")
    [notice] = run_queued(
        django_capture_on_commit_callbacks, lambda: services.notify(anna, "meeting_booked")
    )
    services.remove_preference(anna)
    assert not ContactPreference.objects.exists()
    run_tasks()
    notice.refresh_from_db()
    assert notice.status == Status.FAILED and smtp_server.messages == []


@pytest.mark.parametrize(
    "given,expected",
    [("070-123 45 67", "+46701234567"), ("+46 70 123 45 67", "+46701234567"), ("", "")],
)
def test_mobile_numbers(given, expected):
    assert services.normalise_mobile(given) == expected


@pytest.mark.parametrize("given", ["08-123 456", "hej", "+46 8 123 456 78"])
def test_not_a_mobile_number(given):
    with pytest.raises(ValueError, match="mobilnummer"):
        services.normalise_mobile(given)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection as it ends
def test_the_worker_sends_queued_notices(anna, smtp_server):
    from io import StringIO

    from django.core.management import call_command

    services.save_preference(anna, email="anna@example.org", mobile="")
    services.notify(anna, "decision_made")  # queued as it commits (autocommit)
    call_command("worker", "--until-idle", stdout=StringIO())
    assert Notice.objects.get().status == Status.SENT
    assert [m["to"] for m in smtp_server.messages] == [["anna@example.org"]]
