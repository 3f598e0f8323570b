"""Rättidsprövning on the dates alone, for any dates (hypothesis): an unknown delivery is never
late; otherwise timely exactly when the appeal arrived by the period's last day, which is a
working day at least three weeks after the delivery (lag 1930:173)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bistand.appeals.models import Timeliness
from bistand.appeals.services import judge
from bistand.rules import deadlines

days = st.dates(min_value=date(2018, 7, 1), max_value=date(2035, 12, 31))


@given(arrived=days)
def test_unknown_delivery_is_never_late(arrived):
    assert judge(None, arrived) == Timeliness.UNKNOWN


@given(delivered=days, after=st.integers(min_value=0, max_value=60))
def test_timely_exactly_up_to_the_periods_last_day(delivered, after):
    arrived = delivered + timedelta(days=after)
    end = deadlines.appeal_period_end(delivered)
    assert deadlines.is_working_day(end)
    assert end >= delivered + timedelta(weeks=3)
    expected = Timeliness.TIMELY if arrived <= end else Timeliness.LATE
    assert judge(delivered, arrived) == expected


def test_midsummer_and_christmas_examples():
    # Delivered Friday 30 May 2025: +3 weeks = Friday 20 June 2025, midsommarafton → Monday 23.
    assert judge(date(2025, 5, 30), date(2025, 6, 23)) == Timeliness.TIMELY
    assert judge(date(2025, 5, 30), date(2025, 6, 24)) == Timeliness.LATE
    # Delivered Wednesday 3 December 2025: +3 weeks = Wednesday 24 December, julafton → the
    # 25th and 26th are holidays, 27–28 a weekend → Monday 29 December.
    assert judge(date(2025, 12, 3), date(2025, 12, 29)) == Timeliness.TIMELY
    assert judge(date(2025, 12, 3), date(2025, 12, 30)) == Timeliness.LATE
