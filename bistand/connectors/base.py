"""The shapes every register source shares: the answer, the plugin base class, validation.

A source plugin turns the *raw* payload of one base service (as the simulator sends it, or as
the SSBTEK adapter renders the agency's XML) into *normalised records*, and refuses anything it
does not understand with a ``PayloadError``. The gateway turns a refusal into an UNKNOWN answer:
a payload that cannot be read is never read as "the register has nothing".

Nothing here imports Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from personnummer import personnummer as _pnr

OK = "ok"
UNKNOWN = "unknown"
STATUSES = (OK, UNKNOWN)

#: The law that lets the social services ask, put in front of every source's own paragraph.
SOCIAL_SERVICES_ACT = "15 kap. 10–12 §§ socialtjänstlagen (2025:400)"
REGULATION_2008_975 = (
    "förordningen (2008:975) om uppgiftsskyldighet i vissa fall enligt socialtjänstlagen"
)

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AMOUNT = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
MAX_AMOUNT = Decimal(10_000_000)


class PayloadError(ValueError):
    """A payload without the promised shape. The message is Swedish and holds no personal data."""


@dataclass(frozen=True)
class SourceAnswer:
    """What one register source said about one person and month.

    ``status`` is ``"ok"`` (``records`` holds what the register says; ``[]`` means the register
    says nothing) or ``"unknown"`` (the register could not be read; ``reason`` says why, in plain
    Swedish). There is no third status: a source that failed is UNKNOWN, never "none".
    """

    source: str
    status: str
    records: list[dict] = field(default_factory=list)
    reason: str = ""
    attempts: int = 0

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")
        if self.status == UNKNOWN and (self.records or not self.reason):
            raise ValueError("an unknown answer has a reason and no records")
        if self.status == OK and self.reason:
            raise ValueError("an ok answer has no reason")

    @property
    def ok(self) -> bool:
        return self.status == OK

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "status": self.status,
            "records": [dict(record) for record in self.records],
            "reason": self.reason,
            "attempts": self.attempts,
        }

    @classmethod
    def from_json(cls, data: dict) -> SourceAnswer:
        return cls(
            source=data["source"],
            status=data["status"],
            records=[dict(record) for record in data.get("records", [])],
            reason=data.get("reason", ""),
            attempts=int(data.get("attempts", 0)),
        )


class Source:
    """Base class of a register source plugin. Subclasses set the class attributes and ``parse``.

    - ``code``: our code for the source ("AF", "FK", ...), the key in ``SOURCES``.
    - ``label_sv``: the agency's name as a caseworker knows it; reasons start with it.
    - ``legal_basis``: the paragraph that obliges the agency to answer the social services.
    - ``legal_basis_status``: ``official`` (checked against the text) or ``provisional``.
    - ``ssbtek_service``: the base service's element name in the SSBTEK v10 contract.
    """

    code: ClassVar[str]
    label_sv: ClassVar[str]
    legal_basis: ClassVar[str]
    legal_basis_status: ClassVar[str] = "official"
    ssbtek_service: ClassVar[str]

    def parse(self, raw: Any) -> list[dict]:
        """Raw payload → normalised records. Raises ``PayloadError`` on anything unexpected."""
        raise NotImplementedError

    def to_raw(self, records: list[dict]) -> Any:
        """Normalised records → raw payload (the inverse of ``parse``; the simulator uses it)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<Source {self.code}: {self.label_sv}>"


def legal_basis_for(codes: list[str] | tuple[str, ...], sources: dict[str, Source]) -> str:
    """The ``lagtext`` of a query: the act, then the asked sources' paragraphs, those of
    förordningen (2008:975) gathered as in "2, 3 och 5 §§ förordningen (2008:975) ..."."""
    paragraphs: list[str] = []
    others: list[str] = []
    suffix = f" § {REGULATION_2008_975}"
    for code in codes:
        basis = sources[code].legal_basis
        if basis == SOCIAL_SERVICES_ACT:
            continue  # the act already leads the text
        if basis.endswith(suffix):
            paragraph = basis[: -len(suffix)]
            if paragraph not in paragraphs:
                paragraphs.append(paragraph)
        elif basis not in others:
            others.append(basis)
    parts = [SOCIAL_SERVICES_ACT]
    if paragraphs:
        paragraphs.sort(key=lambda text: (int(text.split()[0]), text))
        listed = (
            paragraphs[0]
            if len(paragraphs) == 1
            else (", ".join(paragraphs[:-1]) + " och " + paragraphs[-1])
        )
        marker = "§" if len(paragraphs) == 1 else "§§"
        parts.append(f"{listed} {marker} {REGULATION_2008_975}")
    return "; ".join(parts + others)


# --- inputs -----------------------------------------------------------------------------------


def normalise_personnummer(value: str) -> str:
    """Any form the ``personnummer`` package accepts → 12 digits, ``YYYYMMDDNNNN``.

    The error message never repeats the number.
    """
    if not isinstance(value, str):
        raise ValueError("personnumret måste vara en textsträng")
    try:
        return _pnr.parse(value).format(True)
    except _pnr.PersonnummerException:
        raise ValueError("ogiltigt personnummer") from None


def validate_month(value: str) -> str:
    if not isinstance(value, str) or not _MONTH.match(value):
        raise ValueError(f"månaden ska skrivas ÅÅÅÅ-MM, inte {value!r}")
    return value


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a "YYYY-MM" month."""
    validate_month(month)
    year, number = int(month[:4]), int(month[5:])
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


# --- payload validation (Swedish messages, values only where they cannot identify anyone) --------


def require_dict(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise PayloadError(f"{what} ska vara ett objekt")
    return value


def require_list(value: Any, what: str) -> list:
    if not isinstance(value, list):
        raise PayloadError(f"{what} ska vara en lista")
    return value


def require_key(data: dict, key: str, what: str) -> Any:
    if key not in data:
        raise PayloadError(f"{what} saknar fältet {key!r}")
    return data[key]


def require_bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise PayloadError(f"{what} ska vara sant eller falskt")
    return value


def require_text(value: Any, what: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"{what} ska vara en text")
    return value.strip()


def require_date(value: Any, what: str, *, optional: bool = False) -> str | None:
    """An ISO date ("2025-04-25"; a trailing time-zone offset as in "2016-11-18+01:00" is cut)."""
    if value is None and optional:
        return None
    if isinstance(value, str) and len(value) > 10 and value[10] in "+-Z":
        value = value[:10]
    if not isinstance(value, str) or not _DATE.match(value):
        raise PayloadError(f"{what} ska vara ett datum ÅÅÅÅ-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise PayloadError(f"{what} är inte ett giltigt datum") from None
    return value


def require_amount(value: Any, what: str) -> Decimal:
    """Kronor: a string such as "1234.50" or a JSON number; not negative, at most two decimals."""
    if isinstance(value, bool) or value is None:
        raise PayloadError(f"{what} ska vara ett belopp i kronor")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)
        if text.endswith(".0"):
            text = text[:-2]
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise PayloadError(f"{what} ska vara ett belopp i kronor")
    if not _AMOUNT.match(text):
        raise PayloadError(f"{what} ska vara ett belopp i kronor med högst två decimaler")
    try:
        amount = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes this
        raise PayloadError(f"{what} ska vara ett belopp i kronor") from None
    if amount > MAX_AMOUNT:
        raise PayloadError(f"{what} är orimligt stort")
    return amount


def amount_str(amount: Decimal) -> str:
    """The normalised form of an amount: kronor with two decimals, "1234.00"."""
    return f"{amount:.2f}"


def require_personnummer(value: Any, what: str) -> str:
    try:
        return normalise_personnummer(value)
    except ValueError:
        raise PayloadError(f"{what} är inte ett giltigt personnummer") from None


def payment(income_type: str, amount: Decimal, paid_on: str) -> dict:
    """A normalised payment record."""
    return {
        "kind": "payment",
        "income_type": income_type,
        "amount": amount_str(amount),
        "paid_on": paid_on,
    }
