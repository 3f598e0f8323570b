"""Money in the rules engine: kronor as ``Decimal``, öre as ``int``.

Amounts are computed exactly in ``Decimal`` and rounded once, on the final
amount, by the rule in ``parameters/national/rounding.yaml``. Nothing here rounds
an amount that is used further in a calculation.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")

#: Largest amount accepted in input, in kronor a month; anything above is a typo.
MAX_AMOUNT = Decimal(10_000_000)

ROUNDING_MODES = {
    "ROUND_HALF_UP": decimal.ROUND_HALF_UP,
    "ROUND_DOWN": decimal.ROUND_DOWN,
    "ROUND_UP": decimal.ROUND_UP,
}


class AmountError(ValueError):
    """An amount that is not a non-negative number of kronor with at most two decimals."""


def parse_amount(value: object) -> Decimal:
    """Parse an amount in kronor from JSON: a string ("8500", "8500.50", "8 500,50") or a number.

    Raises AmountError with a Swedish message for anything else.
    """
    if isinstance(value, bool) or value is None:
        raise AmountError('måste vara ett belopp i kronor, t.ex. "8500" eller "8500.50"')
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except decimal.InvalidOperation:
            raise AmountError(
                f'"{value}" är inte ett belopp; skriv kronor med siffror, '
                't.ex. "8500" eller "8500.50"'
            ) from None
    else:
        raise AmountError('måste vara ett belopp i kronor, t.ex. "8500" eller "8500.50"')
    if not amount.is_finite():
        raise AmountError("måste vara ett ändligt belopp i kronor")
    if amount < 0:
        raise AmountError(f"får inte vara negativt ({value})")
    if amount > MAX_AMOUNT:
        raise AmountError(f"är orimligt stort ({value} kr i månaden)")
    if amount != amount.quantize(CENT, rounding=decimal.ROUND_DOWN):
        raise AmountError(f"får ha högst två decimaler ({value})")
    return amount + ZERO  # normalise -0 to 0


def decimal_str(amount: Decimal) -> str:
    """Render an amount for JSON: at least two decimals, never rounded away.

    ``Decimal(2540)`` → ``"2540.00"``; an exact third stays at full precision.
    """
    if amount.as_tuple().exponent >= -2:  # type: ignore[operator]
        return f"{amount:.2f}"
    return str(amount)


def to_ore(amount: Decimal) -> int:
    """Kronor → integer öre; only for amounts already rounded to whole öre."""
    ore = amount * 100
    if ore != ore.to_integral_value():
        raise ValueError(f"{amount} kr är inte ett helt antal öre")
    return int(ore)


def from_ore(ore: int) -> Decimal:
    return Decimal(ore) / 100


def round_final(amount: Decimal, quantum: Decimal, mode: str) -> Decimal:
    """The one rounding point: the month's amount, by the dated rounding parameter."""
    if quantum == ONE:
        return amount.quantize(ONE, rounding=ROUNDING_MODES[mode])
    return (amount / quantum).quantize(ONE, rounding=ROUNDING_MODES[mode]) * quantum


def format_kr(amount: Decimal) -> str:
    """Swedish display: 4250 → "4 250 kr", 1617.5 → "1 617,50 kr" (no-break spaces)."""
    shown = amount.quantize(CENT, rounding=decimal.ROUND_HALF_UP)
    if shown == shown.to_integral_value():
        text = f"{int(shown):,}".replace(",", "\u00a0")
    else:
        text = f"{shown:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return f"{text}\u00a0kr"
