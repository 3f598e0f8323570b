"""The urgent request's hours clock: decided the same working day.

A request that comes in on a working day before the closing time (``national.urgent_need``
``closing_time``) is due the same day at ``decide_by``; one that comes in later, or on a
weekend or public holiday, is due at ``decide_by`` on the next working day
(bistand/rules/deadlines.is_working_day: weekends, public holidays, midsommarafton,
julafton, nyårsafton).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from bistand.rules.deadlines import is_working_day, next_working_day

from . import amount


def due_day(received: datetime) -> date:
    local = timezone.localtime(received)
    params = amount.parameters(local.date())
    day = local.date()
    if is_working_day(day) and local.time() < params.closing_time:
        return day
    return next_working_day(day + timedelta(days=1))


def due_at(received: datetime) -> datetime:
    day = due_day(received)
    decide_by = amount.parameters(day).decide_by
    return timezone.make_aware(datetime.combine(day, decide_by))


@dataclass(frozen=True)
class Clock:
    minutes_left: int  # negative: late

    @property
    def late(self) -> bool:
        return self.minutes_left < 0

    @property
    def text(self) -> str:
        minutes = abs(self.minutes_left)
        hours, rest = divmod(minutes, 60)
        span = f"{hours} h {rest} min" if hours else f"{rest} min"
        return f"försenad {span}" if self.late else f"{span} kvar"


def clock(due: datetime, now: datetime | None = None) -> Clock:
    now = now or timezone.now()
    return Clock(int((due - now).total_seconds() // 60))
