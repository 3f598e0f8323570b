"""Personnummer and samordningsnummer: validation and the canonical 12-digit form.

Uses the maintained ``personnummer`` package (Luhn check, century, samordningsnummer).
Never log a personnummer in clear; use ``mask`` or ``pseudonym``.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from personnummer import personnummer as _pnr


def normalise(value: str) -> str:
    """Return the canonical 12-digit form (ÅÅÅÅMMDDNNNK) or raise ``ValidationError``."""
    try:
        return _pnr.Personnummer(str(value).strip()).format(long_format=True)
    except _pnr.PersonnummerException:
        raise ValidationError(
            "Ogiltigt personnummer eller samordningsnummer (kontrollera siffrorna).",
            code="invalid_personnummer",
        ) from None


def validate(value: str) -> None:
    normalise(value)


def birth_date(value: str) -> date:
    """Birth date; for a samordningsnummer the day minus 60."""
    return _pnr.Personnummer(value).get_date()


def is_coordination_number(value: str) -> bool:
    return _pnr.Personnummer(value).is_coordination_number()


def mask(value: str) -> str:
    """``19121212-****`` style, for screens that must show which person without the full number."""
    canonical = normalise(value)
    return f"{canonical[:8]}-****"


def pseudonym(value: str) -> str:
    """A stable, non-reversible tag for logs (keyed by the secret key)."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{normalise(value)}".encode()).hexdigest()
    return f"p-{digest[:12]}"


def legal_sex(value: str) -> str:
    """``"F"`` or ``"M"``: legal sex as the personnummer (or samordningsnummer) records it, by
    the parity of the ninth digit (folkbokföringslagen 1991:481, 18 §: odd for men)."""
    return "F" if _pnr.Personnummer(value).is_female() else "M"
