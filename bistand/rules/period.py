"""The calculation month."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .errors import InputError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, value: object, field: str = "month") -> Month:
        if not isinstance(value, str) or not (m := _MONTH.match(value.strip())):
            raise InputError(field, f'ange månaden som ÅÅÅÅ-MM, t.ex. "2025-04" (fick {value!r})')
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12 or year < 1900:
            raise InputError(field, f"{value} är ingen möjlig månad")
        return cls(year, month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
