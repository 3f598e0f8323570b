"""The two calls the aktivitetskrav makes: notices_for and notify_may_be_covered."""

from __future__ import annotations

from datetime import date

import pytest

from bistand.af_exchange.models import AfNotice, OutgoingAfNotice
from bistand.af_exchange.services import PURPOSE_OUTGOING, notices_for, notify_may_be_covered
from bistand.audit.models import AuditEvent
from bistand.audit.services import Actor
from bistand.cases.services import get_or_create_person

pytestmark = pytest.mark.django_db
ROBOT = Actor.system("aktivitetskrav")


def notice(person, reference, start, end=None, kind="too_little_occupation"):
    return AfNotice.objects.create(
        person=person, reference=reference, kind=kind, period_start=start, period_end=end
    )


def test_notices_for_gives_those_whose_period_touches_the_month():
    anna = get_or_create_person("191212121212")
    bo = get_or_create_person("201212121212")
    inside = notice(anna, "AF-1", date(2026, 10, 5), date(2026, 10, 20))
    open_ended = notice(anna, "AF-2", date(2026, 9, 1), None, kind="programme_participation")
    last_day = notice(bo, "AF-3", date(2026, 8, 1), date(2026, 10, 1))
    notice(anna, "AF-4", date(2026, 11, 1), None)  # after the month
    notice(bo, "AF-5", date(2026, 7, 1), date(2026, 9, 30))  # ends before the month
    AfNotice.objects.create(  # unmatched: nobody's
        reference="AF-6",
        unmatched_personnummer="191111111111",
        kind="too_little_occupation",
        period_start=date(2026, 10, 1),
    )

    found = notices_for([anna.pk, bo.pk, 999999], "2026-10")

    assert found == {anna.pk: [open_ended, inside], bo.pk: [last_day], 999999: []}


def test_notices_for_refuses_a_malformed_month():
    with pytest.raises(ValueError):
        notices_for([], "oktober")


def test_notify_queues_once_per_person_and_month_and_audits_the_purpose():
    anna = get_or_create_person("191212121212")

    first = notify_may_be_covered(anna, month="2026-10", actor=ROBOT)
    again = notify_may_be_covered(anna, month="2026-10", actor=ROBOT)
    other = notify_may_be_covered(anna, month="2026-11", actor=ROBOT)

    assert first == again and other != first
    assert first.status == "queued" and first.attempts == 0
    assert OutgoingAfNotice.objects.filter(person=anna).count() == 2
    events = AuditEvent.objects.filter(action="af_exchange.outgoing_queued")
    assert events.count() == 2
    assert all(e.data["purpose"] == PURPOSE_OUTGOING for e in events)
    assert all("191212121212" not in str(e.data) + e.subject for e in events)
