"""Money in the rules engine: kronor as ``Decimal``, öre as ``int``.

Amounts are computed exactly and rounded once, on the final amount, by the rule
in ``parameters/national/rounding.yaml``. Nothing here rounds an amount that is
used further in a calculation.

An exact amount (``Exact``) is a ``Decimal`` when it terminates, and a
``fractions.Fraction`` when it does not (a child living 10 of 30 days gets
3 790 × 10/30 = 1 263 1/3 kr). Shares are made with ``share`` (multiply, then
divide, exactly) and added with ``add``; never with Decimal division, whose 28
digits turn an exact 4 467,50 into 4 467,4999… Amounts are *shown* to öre
(``decimal_str``); the calculation keeps every digit until ``round_final``.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

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


Exact: TypeAlias = Decimal | Fraction


def exact(value: Fraction) -> Exact:
    """A fraction as an exact ``Decimal`` when it terminates (its denominator has no prime
    factors but 2 and 5), else the fraction itself."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return value
    digits = max(twos, fives)
    return Decimal(value.numerator * 10**digits // value.denominator).scaleb(-digits)


def share(amount: Exact, numerator: int | Decimal, denominator: int | Decimal) -> Exact:
    """``amount × numerator / denominator``, exactly (no division in a 28-digit context)."""
    return exact(Fraction(amount) * Fraction(numerator) / Fraction(denominator))


def add(*amounts: Exact) -> Exact:
    """The exact sum; a ``Decimal`` unless a non-terminating fraction is involved."""
    if all(type(a) is Decimal for a in amounts):
        return sum(amounts, ZERO)
    return exact(sum((Fraction(a) for a in amounts), Fraction(0)))


def subtract(a: Exact, b: Exact) -> Exact:
    if type(a) is Decimal and type(b) is Decimal:
        return a - b
    return exact(Fraction(a) - Fraction(b))


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


def decimal_str(amount: Exact) -> str:
    """Render an amount for JSON in kronor and öre: ``Decimal(2540)`` → ``"2540.00"``.

    An amount with more digits (an exact third of a krona, 25 % of 1 234,57) is shown
    rounded to öre, 0,005 and above upwards; the calculation itself keeps every digit
    and rounds only the month's total (``round_final``).
    """
    if type(amount) is not Decimal:
        amount = _round_fraction(Fraction(amount) * 100, decimal.ROUND_HALF_UP) / 100
    elif amount.as_tuple().exponent < -2:  # type: ignore[operator]
        amount = amount.quantize(CENT, rounding=decimal.ROUND_HALF_UP)
    return f"{amount:.2f}"


def _round_fraction(value: Fraction, mode: str) -> Decimal:
    """An exact fraction rounded to a whole number by a ``decimal`` rounding mode."""
    sign = -1 if value < 0 else 1
    whole, rest = divmod(abs(value.numerator), value.denominator)
    if rest:
        if mode == decimal.ROUND_UP or (
            mode == decimal.ROUND_HALF_UP and 2 * rest >= value.denominator
        ):
            whole += 1
        elif mode not in (decimal.ROUND_DOWN, decimal.ROUND_HALF_UP):
            raise ValueError(f"okänt avrundningssätt {mode}")
    return Decimal(sign * whole)


def to_ore(amount: Decimal) -> int:
    """Kronor → integer öre; only for amounts already rounded to whole öre."""
    ore = amount * 100
    if ore != ore.to_integral_value():
        raise ValueError(f"{amount} kr är inte ett helt antal öre")
    return int(ore)


def from_ore(ore: int) -> Decimal:
    return Decimal(ore) / 100


def round_final(amount: Exact, quantum: Decimal, mode: str) -> Decimal:
    """The one rounding point: the month's amount, by the dated rounding parameter.

    Exact for any amount (``Decimal`` or ``Fraction``) and quantum: the result is a
    whole number of quanta.
    """
    if quantum == ONE and type(amount) is Decimal:
        return amount.quantize(ONE, rounding=ROUNDING_MODES[mode])
    steps = _round_fraction(Fraction(amount) / Fraction(quantum), ROUNDING_MODES[mode])
    return steps * quantum


def format_kr(amount: Exact) -> str:
    """Swedish display: 4250 → "4 250 kr", 1617.5 → "1 617,50 kr" (no-break spaces)."""
    shown = Decimal(decimal_str(amount))
    if shown == shown.to_integral_value():
        text = f"{int(shown):,}".replace(",", "\u00a0")
    else:
        text = f"{shown:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return f"{text}\u00a0kr"
