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
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from math import gcd
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
    """A fraction as an exact ``Decimal`` when it terminates, else the fraction itself."""
    return _exact(value.numerator, value.denominator)


def _exact(numerator: int, denominator: int) -> Exact:
    """numerator / denominator: an exact ``Decimal`` if the denominator (in lowest terms) has
    no prime factors but 2 and 5, else a ``Fraction``. Integer arithmetic only."""
    common = gcd(numerator, denominator)
    if common != 1:
        numerator //= common
        denominator //= common
    if denominator == 1:
        return Decimal(numerator)
    rest = denominator >> ((denominator & -denominator).bit_length() - 1)  # without its 2s
    twos = (denominator // rest).bit_length() - 1
    fives = 0
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return Fraction(numerator, denominator)
    digits = max(twos, fives)
    return Decimal(numerator * (10**digits // denominator)).scaleb(-digits)


def share(amount: Exact, numerator: int | Decimal, denominator: int | Decimal) -> Exact:
    """``amount × numerator / denominator``, exactly: multiplied first, divided once, in
    integers (never a division in Decimal's 28-digit context)."""
    n, d = amount.as_integer_ratio()
    a, b = numerator.as_integer_ratio()
    c, e = denominator.as_integer_ratio()
    return _exact(n * a * e, d * b * c)


def total(amounts: Iterable[Exact]) -> Exact:
    """The exact sum; a ``Decimal`` unless a non-terminating fraction is involved."""
    result = ZERO
    items = iter(amounts)
    for amount in items:
        if type(amount) is not Decimal:
            return _fraction_sum((result, amount, *items))
        result += amount
    return result


def add(a: Exact, b: Exact) -> Exact:
    """a + b, exactly (see ``total``)."""
    if type(a) is Decimal and type(b) is Decimal:
        return a + b
    return _fraction_sum((a, b))


def subtract(a: Exact, b: Exact) -> Exact:
    if type(a) is Decimal and type(b) is Decimal:
        return a - b
    n, d = a.as_integer_ratio()
    m, e = b.as_integer_ratio()
    return _exact(n * e - m * d, d * e)


def _fraction_sum(amounts: tuple[Exact, ...]) -> Exact:
    numerator, denominator = 0, 1
    for amount in amounts:
        n, d = amount.as_integer_ratio()
        if d == denominator:
            numerator += n
        else:
            numerator, denominator = numerator * d + n * denominator, denominator * d
    return _exact(numerator, denominator)


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
        n, d = amount.as_integer_ratio()
        amount = _round_ratio(n * 100, d, decimal.ROUND_HALF_UP).scaleb(-2)
    elif amount.as_tuple().exponent < -2:  # type: ignore[operator]
        amount = amount.quantize(CENT, rounding=decimal.ROUND_HALF_UP)
    return f"{amount:.2f}"


def _round_ratio(numerator: int, denominator: int, mode: str) -> Decimal:
    """numerator / denominator (denominator > 0) rounded to a whole number by a ``decimal``
    rounding mode, in integers."""
    sign = -1 if numerator < 0 else 1
    whole, rest = divmod(abs(numerator), denominator)
    if rest:
        if mode == decimal.ROUND_UP or (mode == decimal.ROUND_HALF_UP and 2 * rest >= denominator):
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
    n, d = amount.as_integer_ratio()
    q, r = quantum.as_integer_ratio()
    return _round_ratio(n * r, d * q, ROUNDING_MODES[mode]) * quantum


def format_kr(amount: Exact) -> str:
    """Swedish display: 4250 → "4 250 kr", 1617.5 → "1 617,50 kr" (no-break spaces)."""
    shown = Decimal(decimal_str(amount))
    if shown == shown.to_integral_value():
        text = f"{int(shown):,}".replace(",", "\u00a0")
    else:
        text = f"{shown:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return f"{text}\u00a0kr"
