"""The worker's follow-up chore: the monthly figures are written when due, not on every turn."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bistand.followup import tasks
from bistand.followup.measures.base import add_months, month_of
from bistand.followup.models import MonthlyFigures

from . import history as h

pytestmark = pytest.mark.django_db


def test_the_worker_refreshes_the_recent_months_daily_and_the_last_two_hourly(monkeypatch):
    monkeypatch.setattr(tasks, "_last", {"hourly": None, "daily": None})
    clock = [1000.0]
    monkeypatch.setattr(tasks.time, "monotonic", lambda: clock[0])
    this_month = month_of(timezone.now())
    case = h.household(h.unit("Norr"), [h.person()])
    for back in (0, 5, 13, 14):  # applications this month and 5, 13 and 14 months ago
        month = add_months(this_month, -back)
        h.application(case, month, submitted=f"{month}-01 08:00")

    assert tasks.refresh_periodically() > 0  # at start: the daily refresh, 14 months
    periods = set(MonthlyFigures.objects.values_list("period", flat=True))
    assert this_month in periods and add_months(this_month, -13) in periods
    assert add_months(this_month, -14) not in periods

    clock[0] += 60
    assert tasks.refresh_periodically() == 0  # nothing due a minute later
    MonthlyFigures.objects.filter(period=add_months(this_month, -5)).delete()
    clock[0] += 3600
    assert tasks.refresh_periodically() > 0  # the hourly one: this month and the last
    assert not MonthlyFigures.objects.filter(period=add_months(this_month, -5)).exists()
    clock[0] += 24 * 3600
    tasks.refresh_periodically()  # the daily one again brings back all 14 months
    assert MonthlyFigures.objects.filter(period=add_months(this_month, -5)).exists()


def test_a_failing_refresh_never_stops_the_worker(monkeypatch, caplog):
    monkeypatch.setattr(tasks, "_last", {"hourly": None, "daily": None})
    clock = [1000.0]
    monkeypatch.setattr(tasks.time, "monotonic", lambda: clock[0])

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(tasks.aggregates, "refresh_recent", broken)
    assert tasks.refresh_periodically() == 0
    assert "followup refresh failed" in caplog.text
    clock[0] += 300  # the next housekeeping turn does not try again at once
    calls = []
    monkeypatch.setattr(tasks.aggregates, "refresh_recent", lambda: calls.append(1) or 0)
    tasks.refresh_periodically()
    assert calls == []
    clock[0] += 3600  # an hour later it does
    tasks.refresh_periodically()
    assert calls == [1]
