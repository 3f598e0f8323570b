"""Dates the law counts: Swedish public holidays, working days and when a time limit ends.

Pure Python (no Django), like the rest of bistand/rules. Used by kommunicering's answer
deadline, the appeal period and its rättidsprövning, the court's and a remanded case's clocks
and the urgent path's "same working day".

* Allmänna helgdagar: lag (1989:253) om allmänna helgdagar, 1 §. Every Sunday is one too.
* Lag (1930:173) om beräkning av lagstadgad tid, 2 §: when the last day of a time limit falls
  on a Saturday, a Sunday or another allmän helgdag, or on midsommarafton, julafton or
  nyårsafton, the action may still be taken on the next vardag (here: working day).
* The appeal period: förvaltningslagen (2017:900) 44 §, within three weeks from the day the
  appellant got part of the decision.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

LAW_HOLIDAYS = "lag (1989:253) om allmänna helgdagar 1 §"
LAW_TIME_LIMITS = "lag (1930:173) om beräkning av lagstadgad tid 2 §"
LAW_APPEAL_PERIOD = "förvaltningslagen (2017:900) 44 §"

APPEAL_WEEKS = 3


def easter_sunday(year: int) -> date:
    """Påskdagen: the Gregorian computus (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_saturday_from(year: int, month: int, day_of_month: int) -> date:
    """The first Saturday on or after the date: midsommardagen is the Saturday 20–26 June,
    alla helgons dag the Saturday 31 October – 6 November."""
    day = date(year, month, day_of_month)
    return day + timedelta(days=(5 - day.weekday()) % 7)


@lru_cache(maxsize=256)
def public_holidays(year: int) -> dict[date, str]:
    """The year's allmänna helgdagar other than ordinary Sundays (lag 1989:253 1 §)."""
    easter = easter_sunday(year)
    return {
        date(year, 1, 1): "nyårsdagen",
        date(year, 1, 6): "trettondedag jul",
        easter - timedelta(days=2): "långfredagen",
        easter: "påskdagen",
        easter + timedelta(days=1): "annandag påsk",
        date(year, 5, 1): "första maj",
        easter + timedelta(days=39): "Kristi himmelsfärdsdag",
        easter + timedelta(days=49): "pingstdagen",
        date(year, 6, 6): "Sveriges nationaldag",
        _first_saturday_from(year, 6, 20): "midsommardagen",
        _first_saturday_from(year, 10, 31): "alla helgons dag",
        date(year, 12, 25): "juldagen",
        date(year, 12, 26): "annandag jul",
    }


def _eves(year: int) -> dict[date, str]:
    """The three eves lag 1930:173 treats as holidays (midsommarafton is the Friday before
    midsommardagen)."""
    midsummer = _first_saturday_from(year, 6, 20)
    return {
        midsummer - timedelta(days=1): "midsommarafton",
        date(year, 12, 24): "julafton",
        date(year, 12, 31): "nyårsafton",
    }


def non_working_reason(day: date) -> str | None:
    """Why ``day`` is not a working day in the sense of lag 1930:173, or None if it is."""
    holidays = public_holidays(day.year)
    if day in holidays:
        return holidays[day]
    eves = _eves(day.year)
    if day in eves:
        return eves[day]
    if day.weekday() == 5:
        return "lördag"
    if day.weekday() == 6:
        return "söndag"
    return None


def is_working_day(day: date) -> bool:
    return non_working_reason(day) is None


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """The ``count``:th working day after ``day`` (count ≥ 0; 0 gives ``day`` moved forward to
    a working day)."""
    if count < 0:
        raise ValueError("count must be zero or more")
    day = next_working_day(day)
    for _ in range(count):
        day = next_working_day(day + timedelta(days=1))
    return day


def time_limit_end(start: date, *, days: int = 0, weeks: int = 0) -> date:
    """The last day of a time limit of ``days``/``weeks`` counted from ``start`` (the day the
    event happened does not count: three weeks from Tuesday 1 December ends Tuesday 22
    December), moved to the next working day under lag 1930:173 2 §."""
    if days < 0 or weeks < 0:
        raise ValueError("a time limit is not negative")
    return next_working_day(start + timedelta(days=days, weeks=weeks))


def appeal_period_end(delivered_on: date) -> date:
    """The last day to appeal a decision the appellant got part of on ``delivered_on``
    (FL 44 §: three weeks; lag 1930:173 2 §)."""
    return time_limit_end(delivered_on, weeks=APPEAL_WEEKS)


def appeal_in_time(delivered_on: date, arrived_on: date) -> bool:
    """Rättidsprövning (FL 45 §): the appeal arrived at the nämnd by the period's last day."""
    return arrived_on <= appeal_period_end(delivered_on)
