"""The exchange over real HTTP with the register simulator playing Arbetsförmedlingen: sending
with retries until a visible failure, fetching since a cursor, storing once, matching only to
persons we know, and never a personnummer in a log line or an audit text."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bistand.af_exchange import exchange, tasks
from bistand.af_exchange.models import AfExchangeCursor, AfNotice
from bistand.af_exchange.services import (
    PURPOSE_INCOMING,
    PURPOSE_OUTGOING,
    notices_for,
    notify_may_be_covered,
)
from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor
from bistand.cases.models import Person
from bistand.cases.services import get_or_create_person
from bistand.connectors.exchanges.af import AfExchangeError

from .conftest import KNOWN, KOMMUNKOD, STRANGER, run_tasks

ROBOT = Actor.system("aktivitetskrav")


@pytest.fixture
def known(db):
    return get_or_create_person(KNOWN, given_name="Sara", family_name="Test")


def queue(known, django_capture_on_commit_callbacks, month="2026-10"):
    with django_capture_on_commit_callbacks(execute=True):
        return notify_may_be_covered(known, month=month, actor=ROBOT, reason="tre månader")


def no_personnummer(text: str) -> bool:
    return KNOWN not in text and KNOWN[2:] not in text and STRANGER[2:] not in text


# --- sending ---------------------------------------------------------------------------------


def test_the_notice_reaches_af_once_with_its_purpose(af, known, django_capture_on_commit_callbacks):
    outgoing = queue(known, django_capture_on_commit_callbacks)

    assert run_tasks() == 1
    outgoing.refresh_from_db()
    assert outgoing.status == "sent" and outgoing.attempts == 1
    assert outgoing.reference.startswith("AF-K-") and outgoing.sent_at is not None
    [received] = af.af_received()
    assert received["manad"] == "2026-10" and received["kommunkod"] == KOMMUNKOD
    assert received["syfte"] == PURPOSE_OUTGOING and "personnummer" not in received
    sent = AuditEvent.objects.get(action="af_exchange.sent", subject=f"af_outgoing:{outgoing.pk}")
    assert sent.data["purpose"] == PURPOSE_OUTGOING


def test_the_same_message_again_gets_the_same_receipt(af, known):
    """AF stores a message once: a run that timed out after AF had stored it and is sent again
    does not make a second notice at AF."""
    adapter = exchange.exchange()
    fields = {
        "message_id": "bistand-0000-7",
        "personnummer": KNOWN,
        "kommunkod": KOMMUNKOD,
        "month": "2026-10",
        "reason": "",
    }
    first = adapter.send_notice(**fields)
    again = adapter.send_notice(**fields)
    adapter.close()
    assert first.reference == again.reference
    assert len(af.af_received()) == 1


def test_a_few_server_errors_are_retried_within_one_run(
    af, known, django_capture_on_commit_callbacks
):
    af.add_af_fault("error_500", endpoint="send", times=2)
    outgoing = queue(known, django_capture_on_commit_callbacks)

    run_tasks()
    outgoing.refresh_from_db()
    assert outgoing.status == "sent" and outgoing.attempts == 1


def test_timeouts_then_a_later_run_sends_it(af, known, django_capture_on_commit_callbacks):
    af.add_af_fault("timeout", endpoint="send", times=3)  # the first run's three calls
    outgoing = queue(known, django_capture_on_commit_callbacks)

    run_tasks()
    outgoing.refresh_from_db()
    assert outgoing.status == "sent" and outgoing.attempts == 2
    retry = AuditEvent.objects.get(action="af_exchange.send_retry")
    assert retry.data["reason"] == "Arbetsförmedlingen svarade inte inom 0,3 s efter 3 försök"
    assert len(af.af_received()) == 1


def test_a_lasting_failure_ends_as_failed_visible_with_its_reason(
    af, known, django_capture_on_commit_callbacks
):
    af.add_af_fault("error_500", endpoint="send", times=100)
    outgoing = queue(known, django_capture_on_commit_callbacks)

    run_tasks()
    outgoing.refresh_from_db()
    assert outgoing.status == "failed" and outgoing.attempts == 3
    assert outgoing.last_error == "Arbetsförmedlingen svarade med fel (HTTP 500) efter 3 försök"
    assert AuditEvent.objects.filter(action="af_exchange.send_retry").count() == 2
    failed = AuditEvent.objects.get(action="af_exchange.send_failed")
    assert failed.data["purpose"] == PURPOSE_OUTGOING and failed.data["attempts"] == 3
    assert af.af_received() == []
    # nothing queued any more: a failed notice waits for staff (resend), not for the worker
    assert tasks.poll_periodically()["requeued"] == 0


def test_malformed_receipts_count_as_failures(af, known, django_capture_on_commit_callbacks):
    af.add_af_fault("malformed", endpoint="send", times=100)
    outgoing = queue(known, django_capture_on_commit_callbacks)

    run_tasks()
    outgoing.refresh_from_db()
    assert outgoing.status == "failed"
    assert "inte gick att tolka (ogiltig JSON)" in outgoing.last_error


def test_staff_resend_a_failed_notice(af, known, django_capture_on_commit_callbacks):
    af.add_af_fault("error_500", endpoint="send", times=9)
    outgoing = queue(known, django_capture_on_commit_callbacks)
    run_tasks()
    outgoing.refresh_from_db()
    assert outgoing.status == "failed"

    with django_capture_on_commit_callbacks(execute=True):
        exchange.resend(outgoing, actor=Actor.system("test"))
    run_tasks()
    outgoing.refresh_from_db()
    assert outgoing.status == "sent"
    assert AuditEvent.objects.filter(action="af_exchange.resend").count() == 1


def test_a_lost_send_task_is_queued_again_by_the_periodic_poll(af, known):
    outgoing = notify_may_be_covered(known, month="2026-10", actor=ROBOT)  # task never queued
    assert tasks.poll_periodically()["requeued"] == 1
    assert tasks.poll_periodically()["requeued"] == 0  # its task is waiting now
    run_tasks()
    outgoing.refresh_from_db()
    assert outgoing.status == "sent"


# --- fetching --------------------------------------------------------------------------------


def seed(af, personnummer=KNOWN, kind="FOR_LAG_SYSSELSATTNING", kommunkod=KOMMUNKOD, **extra):
    return af.add_af_notice(
        personnummer,
        kind,
        kommunkod=kommunkod,
        period_start=extra.pop("period_start", "2026-10-01"),
        **extra,
    )["referens"]


def test_fetched_notices_are_stored_once_and_matched_to_known_persons(af, known):
    seed(af, period_end="2026-10-31")
    seed(af, kind="PROGRAMDELTAGANDE", full_time=True, programme="Jobb- och utvecklingsgarantin")
    seed(af, kommunkod="0001")  # another municipality's: not ours to see

    first = exchange.poll()
    again = exchange.poll()  # nothing new since the cursor

    assert (first.stored, first.unmatched, first.errors) == (2, 0, [])
    assert again.stored == 0
    notices = notices_for([known.pk], "2026-10")[known.pk]
    assert [n.kind for n in notices] == ["too_little_occupation", "programme_participation"]
    occupation, programme = notices
    assert occupation.period_end == date(2026, 10, 31) and not occupation.full_time
    assert programme.full_time and programme.payload["program"] == "Jobb- och utvecklingsgarantin"
    assert all(no_personnummer(str(n.payload)) for n in notices)
    received = AuditEvent.objects.filter(action="af_exchange.received")
    assert received.count() == 2
    assert {e.data["purpose"] for e in received} == {PURPOSE_INCOMING}


def test_the_same_notice_twice_is_stored_once(af, known):
    seed(af, reference="AF-U-4711")
    assert exchange.poll().stored == 1
    AfExchangeCursor.objects.update(cursor="")  # AF (or we) start over from the beginning
    seed(af, reference="AF-U-4711")  # and AF sends the same notice once more

    result = exchange.poll()

    assert (result.stored, result.again) == (0, 2)
    assert AfNotice.objects.filter(reference="AF-U-4711").count() == 1
    assert AuditEvent.objects.filter(action="af_exchange.received").count() == 1


def test_a_notice_for_an_unknown_person_is_kept_unmatched_and_creates_nobody(af, known):
    seed(af, personnummer=STRANGER)
    persons = Person.objects.count()

    result = exchange.poll()

    assert (result.stored, result.unmatched) == (1, 1)
    assert Person.objects.count() == persons
    notice = AfNotice.objects.get()
    assert notice.person is None and notice.unmatched_personnummer == STRANGER
    event = AuditEvent.objects.get(action="af_exchange.received")
    assert event.case_id is None and event.data["matched"] is False

    # the person applies later: the next poll matches the notice and forgets the number
    stranger = get_or_create_person(STRANGER)
    assert exchange.poll().matched_later == 1
    notice.refresh_from_db()
    assert notice.person == stranger and notice.unmatched_personnummer == ""


def test_a_failing_fetch_keeps_the_cursor_and_shows_the_error(af, known):
    seed(af)
    af.add_af_fault("malformed", endpoint="fetch", times=3)

    result = exchange.poll()

    assert result.stored == 0 and result.errors
    cursor = AfExchangeCursor.objects.get()
    assert cursor.cursor == "" and cursor.failures_in_a_row == 1
    assert "inte gick att tolka" in cursor.last_error
    assert AuditEvent.objects.get(action="af_exchange.fetch_failed").data["purpose"] == (
        PURPOSE_INCOMING
    )

    af.add_af_fault("timeout", endpoint="fetch", times=3)
    assert exchange.poll().errors == ["Arbetsförmedlingen svarade inte inom 0,3 s efter 3 försök"]
    af.add_af_fault("error_500", endpoint="fetch", times=2)  # within one poll's three calls
    assert exchange.poll().stored == 1
    cursor.refresh_from_db()
    assert cursor.failures_in_a_row == 0 and cursor.last_error == "" and cursor.cursor


def test_the_periodic_poll_queues_one_fetch_when_due(af, known, settings):
    settings.AF_EXCHANGE_POLL_SECONDS = 300
    seed(af)
    assert tasks.poll_periodically()["fetch"] is True
    assert tasks.poll_periodically()["fetch"] is False  # one is waiting already
    run_tasks()
    assert AfNotice.objects.count() == 1
    assert tasks.poll_periodically()["fetch"] is False  # fetched a moment ago


def test_no_personnummer_in_log_lines(af, known, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    seed(af)
    seed(af, personnummer=STRANGER)
    af.add_af_fault("error_500", endpoint="*", times=4)
    queue(known, django_capture_on_commit_callbacks)
    run_tasks()
    exchange.poll()
    assert AfNotice.objects.count() == 2
    assert no_personnummer(caplog.text)
    audit = " ".join(f"{e.subject} {e.data}" for e in AuditEvent.objects.all())
    assert no_personnummer(audit)


def test_a_refused_call_is_not_retried(af, known):
    adapter = exchange.exchange()
    with pytest.raises(AfExchangeError) as refused:
        adapter.send_notice(
            message_id="m", personnummer=KNOWN, kommunkod="0000", month="2026-10", reason=""
        )
        adapter._call("send", "/af/v1/underrattelser", {"bad": 1}, lambda raw: raw)
    adapter.close()
    assert refused.value.retry is False and refused.value.attempts == 1
    assert str(refused.value) == "Arbetsförmedlingen avvisade anropet (HTTP 400)"


def test_the_demo_notice_is_added_once_and_lands_on_sara(af):
    from bistand.af_exchange import demo
    from bistand.eservice.demo import SARA
    from bistand.rules.period import Month

    sara = get_or_create_person(SARA.personnummer, given_name="Sara", family_name="Nilsson")
    demo.seed(af, Month(2026, 12))
    demo.seed(af, Month(2026, 12))  # `bistand demo` again

    [notice] = AfNotice.objects.all()
    assert notice.person == sara and notice.kind == "too_little_occupation"
    assert (notice.period_start, notice.period_end) == (date(2026, 12, 1), date(2026, 12, 31))
    assert exchange.exchange().fetch_notices(kommunkod=KOMMUNKOD, cursor="").cursor == "1"


def test_the_simulators_af_side_survives_a_restart_in_its_state_file(tmp_path):
    import json
    import stat

    from bistand.connectors.simulator import SimulatorClient, SimulatorServer

    state = tmp_path / "simulator.json"
    with (
        SimulatorServer(seed=1, state_path=state) as server,
        SimulatorClient(server.url) as client,
    ):
        seed(client, reference="AF-U-1")
    saved = tmp_path / "simulator-af.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert json.loads(saved.read_text())["incoming"][0]["referens"] == "AF-U-1"
    with (
        SimulatorServer(seed=1, state_path=state) as server,
        SimulatorClient(server.url) as client,
    ):
        seed(client, reference="AF-U-1")  # the same reference again: a second notice
        response = client._client.post(
            "/af/v1/underrattelser/hamta", json={"kommunkod": KOMMUNKOD, "syfte": "test"}
        )
    assert [n["referens"] for n in response.json()["underrattelser"]] == ["AF-U-1", "AF-U-1"]
