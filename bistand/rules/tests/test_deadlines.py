"""Dates the law counts (bistand/rules/deadlines.py): public holidays, lag 1930:173 and the
appeal period of FL 44 §."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bistand.rules import deadlines as d

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_sunday(year, easter):
    assert d.easter_sunday(year) == easter


def test_the_2027_holidays_as_the_almanac_has_them():
    holidays = d.public_holidays(2027)
    assert holidays[date(2027, 3, 26)] == "långfredagen"
    assert holidays[date(2027, 3, 29)] == "annandag påsk"
    assert holidays[date(2027, 5, 6)] == "Kristi himmelsfärdsdag"
    assert holidays[date(2027, 5, 16)] == "pingstdagen"
    assert holidays[date(2027, 6, 26)] == "midsommardagen"
    assert holidays[date(2027, 11, 6)] == "alla helgons dag"
    assert d.non_working_reason(date(2027, 6, 25)) == "midsommarafton"
    assert d.non_working_reason(date(2027, 12, 24)) == "julafton"
    assert len(holidays) == 13


def test_appeal_period_three_weeks_moved_past_christmas_and_new_year():
    # Delivered Thursday 3 December 2026: three weeks end Thursday 24 December (julafton),
    # then 25 (juldagen), 26 (annandag jul, a Saturday), 27 (Sunday): Monday 28 December.
    assert d.appeal_period_end(date(2026, 12, 3)) == date(2026, 12, 28)
    # Delivered Thursday 10 December: ends 31 December (nyårsafton), 1 January (nyårsdagen),
    # a weekend: Monday 4 January 2027.
    assert d.appeal_period_end(date(2026, 12, 10)) == date(2027, 1, 4)
    # An ordinary Tuesday: exactly three weeks.
    assert d.appeal_period_end(date(2026, 11, 3)) == date(2026, 11, 24)
    assert d.appeal_in_time(date(2026, 12, 3), date(2026, 12, 28))
    assert not d.appeal_in_time(date(2026, 12, 3), date(2026, 12, 29))


def test_working_days_skip_weekends_and_holidays():
    # Wednesday 23 December 2026 + 1 working day: 24, 25 eve/holiday, weekend → Monday 28.
    assert d.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert d.add_working_days(date(2026, 12, 26), 0) == date(2026, 12, 28)
    with pytest.raises(ValueError):
        d.add_working_days(date(2026, 12, 23), -1)
    with pytest.raises(ValueError):
        d.time_limit_end(date(2026, 12, 23), days=-1)


@given(days)
def test_a_time_limit_never_ends_on_a_non_working_day_and_never_early(start):
    for length in (0, 1, 7, 21):
        end = d.time_limit_end(start, days=length)
        plain = start + timedelta(days=length)
        assert d.is_working_day(end)
        assert end >= plain
        # Moved only over days that are not working days (lag 1930:173 2 §).
        assert all(
            not d.is_working_day(plain + timedelta(days=i)) for i in range((end - plain).days)
        )


@given(days)
def test_the_holidays_are_each_a_working_day_exception(day):
    holidays = d.public_holidays(day.year)
    if day in holidays or day.weekday() >= 5:
        assert not d.is_working_day(day)
    midsummer = next(h for h, name in holidays.items() if name == "midsommardagen")
    assert midsummer.weekday() == 5 and 20 <= midsummer.day <= 26
    all_saints = next(h for h, name in holidays.items() if name == "alla helgons dag")
    assert all_saints.weekday() == 5 and date(day.year, 10, 31) <= all_saints <= date(
        day.year, 11, 6
    )


@given(days, st.integers(min_value=0, max_value=30))
def test_adding_working_days_counts_exactly_that_many(start, count):
    end = d.add_working_days(start, count)
    first = d.next_working_day(start)
    between = sum(
        1 for i in range(1, (end - first).days + 1) if d.is_working_day(first + timedelta(days=i))
    )
    assert between == count and d.is_working_day(end)
