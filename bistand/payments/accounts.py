"""Swedish bank accounts (clearing number + account number): format, check digits, BBAN and
masking.

Following Bankgirot's *Bankernas kontonummeruppbyggnad* (the user manual's table as of
September 2023, ``CHECK_DIGIT_RULES`` below):

* the *format*: digits, the clearing number's length, and the account number's length for the
  bank the clearing number belongs to. Most banks ("typ 1") have seven-digit account numbers;
  the banks in ``TYPE_2`` have their own lengths (``normalise_clearing``,
  ``normalise_account``);
* the *check digit* (``check_digit_error``), for what a person types: typ 1 with modulus 11
  over the clearing number's last three digits and the account (kommentar 1) or all four and
  the account (kommentar 2); typ 2 with modulus 10 over the account (kommentar 1 and 3;
  Swedbank's fifth clearing digit too) or modulus 11 over Handelsbanken's nine digits
  (kommentar 2). A clearing number outside the table (a bank newer than it) passes when
  either typ 1 variant does.

The table changes when banks come and go: compare ``CHECK_DIGIT_RULES`` with Bankgirot's
current manual once a year. Stored accounts are re-checked for format only, so an older
account is never refused by a newer table; the bank still rejects a wrong account in its
status report, and the money comes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

SEPARATORS = " -.,"


@dataclass(frozen=True)
class AccountRule:
    first: int
    last: int
    bank: str
    min_digits: int
    max_digits: int
    personkonto: bool = False


# Clearing ranges whose account numbers are not seven digits ("typ 2"). Everything else: 7.
TYPE_2: tuple[AccountRule, ...] = (
    AccountRule(3300, 3300, "Nordea (personkonto)", 10, 10, personkonto=True),
    AccountRule(3782, 3782, "Nordea (personkonto)", 10, 10, personkonto=True),
    AccountRule(6000, 6999, "Handelsbanken", 8, 9),
    AccountRule(8000, 8999, "Swedbank", 6, 10),
    AccountRule(9180, 9189, "Danske Bank", 10, 10),
    AccountRule(9300, 9349, "Swedbank", 10, 10),
    AccountRule(9500, 9549, "Nordea (Plusgirot)", 2, 10),
    AccountRule(9570, 9579, "Sparbanken Syd", 10, 10),
    AccountRule(9890, 9899, "Riksgälden", 10, 10),
    AccountRule(9960, 9969, "Nordea (Plusgirot)", 2, 10),
)
TYPE_1_DIGITS = 7


def strip_separators(value: object) -> str:
    return "".join(ch for ch in str(value or "") if ch not in SEPARATORS)


def digits_only(value: object, label: str) -> str:
    """``value`` without spaces, hyphens, dots and commas; ``ValidationError`` unless digits."""
    text = strip_separators(value)
    if not text:
        raise ValidationError(f"Ange {label}.", code="required")
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(
            f"{label.capitalize()} får bara innehålla siffror "
            "(mellanslag och bindestreck går bra).",
            code="not_digits",
        )
    return text


def normalise_clearing(value: object) -> str:
    """Four digits, or five for Swedbank's clearing numbers with a check digit (8327-9)."""
    clearing = digits_only(value, "clearingnummer")
    if len(clearing) == 4 and clearing[0] != "0":
        return clearing
    if len(clearing) == 5 and clearing[0] == "8":
        return clearing
    raise ValidationError(
        "Clearingnumret ska vara fyra siffror, eller fem för Swedbank när det börjar med 8 "
        "(t.ex. 8327-9).",
        code="clearing_format",
    )


def rule_for(clearing: str) -> AccountRule | None:
    number = int(clearing[:4])
    return next((r for r in TYPE_2 if r.first <= number <= r.last), None)


def normalise_account(clearing: str, value: object) -> str:
    """The account number's digits, checked against the length the bank uses."""
    account = digits_only(value, "kontonummer")
    rule = rule_for(clearing)
    low, high = (rule.min_digits, rule.max_digits) if rule else (TYPE_1_DIGITS, TYPE_1_DIGITS)
    if not low <= len(account) <= high:
        length = f"{low}" if low == high else f"{low}–{high}"
        if rule is None:
            where = "för den här banken"
        else:
            where = f"hos {rule.bank} (clearingnummer {clearing})"
        if rule and rule.personkonto:
            where += " – kontonumret är personnumret utan sekelsiffror (ÅÅMMDDNNNN)"
        raise ValidationError(
            f"Kontonumret ska ha {length} siffror {where}; det har {len(account)}.",
            code="account_length",
        )
    return account


def bban(clearing: str, account: str) -> str:
    """The account as the bank file names it: four-digit clearing number, then the account.

    A Swedbank clearing number's fifth digit is a check digit that payment systems leave out
    (as Bankgirot and the IBAN do).
    """
    return f"{clearing[:4]}{account}"


def is_personkonto(clearing: str) -> bool:
    rule = rule_for(clearing)
    return bool(rule and rule.personkonto)


def display_clearing(clearing: str) -> str:
    return f"{clearing[:4]}-{clearing[4]}" if len(clearing) == 5 else clearing


def mask(clearing: str, account: str) -> str:
    """``8327-9 ••••6789``: enough to recognise the account, not to use it.

    A Nordea personkonto's number is the holder's personnummer, so none of it is shown.
    """
    if is_personkonto(clearing):
        return f"{display_clearing(clearing)} personkonto"
    return f"{display_clearing(clearing)} ••••{account[-4:]}"


def display_full(clearing: str, account: str) -> str:
    """``8327-9, 123456789``: the full account, for the bank file's companion CSV."""
    return f"{display_clearing(clearing)}, {account}"


# --- Check digits -------------------------------------------------------------------------

# (first, last, type, kommentar), from Bankgirot's "Bankernas kontonummeruppbyggnad"
# (user manual, September 2023). Typ 1: modulus 11 over the clearing number's last three
# digits and the seven-digit account (kommentar 1) or all eleven digits (kommentar 2). Typ 2:
# modulus 10 over the account (kommentar 1 and 3, Swedbank's fifth clearing digit too) or
# modulus 11 over the nine-digit account (kommentar 2, Handelsbanken).
CHECK_DIGIT_RULES: tuple[tuple[int, int, int, int], ...] = (
    (1100, 1199, 1, 1),  # Nordea
    (1200, 1399, 1, 1),  # Danske Bank
    (1400, 2099, 1, 1),  # Nordea
    (2300, 2399, 1, 2),  # Ålandsbanken
    (2400, 2499, 1, 1),  # Danske Bank
    (3000, 3299, 1, 1),  # Nordea
    (3300, 3300, 2, 1),  # Nordea personkonto
    (3301, 3399, 1, 1),  # Nordea
    (3400, 3409, 1, 1),  # Länsförsäkringar Bank
    (3410, 3781, 1, 1),  # Nordea
    (3782, 3782, 2, 1),  # Nordea personkonto
    (3783, 3999, 1, 1),  # Nordea
    (4000, 4999, 1, 2),  # Nordea
    (5000, 5999, 1, 1),  # SEB
    (6000, 6999, 2, 2),  # Handelsbanken
    (7000, 7999, 1, 1),  # Swedbank
    (8000, 8999, 2, 3),  # Swedbank
    (9020, 9029, 1, 2),  # Länsförsäkringar Bank
    (9040, 9049, 1, 2),  # Citibank
    (9060, 9069, 1, 1),  # Länsförsäkringar Bank
    (9070, 9079, 1, 1),  # Multitude Bank
    (9100, 9109, 1, 2),  # Nordnet Bank
    (9120, 9124, 1, 1),  # SEB
    (9130, 9149, 1, 1),  # SEB
    (9150, 9169, 1, 2),  # Skandiabanken
    (9170, 9179, 1, 1),  # IKANO Bank
    (9180, 9189, 2, 1),  # Danske Bank
    (9190, 9199, 1, 2),  # DNB Bank
    (9230, 9239, 1, 1),  # Marginalen Bank
    (9250, 9259, 1, 1),  # SBAB
    (9260, 9269, 1, 2),  # DNB Bank
    (9270, 9279, 1, 1),  # ICA Banken
    (9280, 9289, 1, 1),  # Resurs Bank
    (9300, 9349, 2, 1),  # Swedbank
    (9390, 9399, 1, 2),  # Landshypotek
    (9460, 9469, 1, 1),  # Santander Consumer Bank
    (9470, 9479, 1, 2),  # BNP Paribas
    (9500, 9549, 2, 3),  # Nordea (Plusgirot)
    (9550, 9569, 1, 2),  # Avanza Bank
    (9570, 9579, 2, 1),  # Sparbanken Syd
    (9580, 9589, 1, 1),  # Aion Bank
    (9590, 9599, 1, 2),  # Erik Penser
    (9630, 9639, 1, 1),  # Lån & Spar Bank
    (9640, 9649, 1, 2),  # NOBA Bank Group
    (9660, 9669, 1, 2),  # Svea Bank
    (9670, 9679, 1, 2),  # JAK Medlemsbank
    (9680, 9689, 1, 1),  # BlueStep Finans
    (9700, 9709, 1, 2),  # Ekobanken
    (9710, 9719, 1, 2),  # Lunar Bank
    (9750, 9759, 1, 2),  # Northmill Bank
    (9780, 9789, 1, 2),  # Klarna Bank
    (9880, 9889, 1, 2),  # Riksgälden
    (9890, 9899, 2, 1),  # Riksgälden
    (9960, 9969, 2, 3),  # Nordea (Plusgirot)
)


def mod10_ok(digits: str) -> bool:
    """Modulus 10 (Luhn): from the right, every second digit doubled (its digits summed)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def mod11_ok(digits: str) -> bool:
    """Modulus 11 with the weights 1, 2, …, 10, 1, … from the right."""
    total = sum(int(char) * (position % 10 + 1) for position, char in enumerate(reversed(digits)))
    return total % 11 == 0


def _check_digit_rule(clearing: str) -> tuple[int, int] | None:
    number = int(clearing[:4])
    return next(
        ((t, c) for first, last, t, c in CHECK_DIGIT_RULES if first <= number <= last), None
    )


def check_digits_ok(clearing: str, account: str) -> bool:
    """Whether the normalised ``clearing`` and ``account`` pass the bank's check digit rule."""
    rule = _check_digit_rule(clearing)
    four = clearing[:4]
    if rule is None:  # a bank newer than the table: typ 1 is the rule for new banks
        padded = account.rjust(7, "0")
        return len(account) <= 7 and (mod11_ok(four[1:] + padded) or mod11_ok(four + padded))
    kind, comment = rule
    if kind == 1:
        padded = account.rjust(7, "0")
        return mod11_ok((four[1:] if comment == 1 else four) + padded)
    if comment == 2:
        return mod11_ok(account.rjust(9, "0"))
    if comment == 3 and len(clearing) == 5 and not mod10_ok(clearing):
        return False
    return mod10_ok(account)


def check_digit_error(clearing: str, account: str) -> ValidationError | None:
    """A Swedish message for an account whose check digit does not match, else None.
    ``clearing`` and ``account`` are normalised (``normalise_clearing``, ``normalise_account``)."""
    if check_digits_ok(clearing, account):
        return None
    if len(clearing) == 5 and not mod10_ok(clearing):
        return ValidationError(
            "Clearingnumrets femte siffra stämmer inte. Kontrollera clearingnumret i "
            "internetbanken eller på kontoutdraget.",
            code="clearing_check_digit",
        )
    return ValidationError(
        "Kontonumret stämmer inte med clearingnumret: kontrollsiffran är fel. Kontrollera "
        "båda i internetbanken eller på kontoutdraget.",
        code="account_check_digit",
    )


def validate(clearing_number: object, account_number: object) -> tuple[str, str]:
    """(clearing, account) as digits, checked for format and check digit: what a person typed.

    Raises ``ValidationError`` with a dict of Swedish messages per field (``clearing_number``,
    ``account_number``), as a form shows them next to the fields.
    """
    try:
        clearing = normalise_clearing(clearing_number)
    except ValidationError as error:
        errors = {"clearing_number": [error]}
        try:
            digits_only(account_number, "kontonummer")
        except ValidationError as account_error:
            errors["account_number"] = [account_error]
        raise ValidationError(errors) from None
    try:
        account = normalise_account(clearing, account_number)
    except ValidationError as error:
        raise ValidationError({"account_number": [error]}) from None
    error = check_digit_error(clearing, account)
    if error is not None:
        field = "clearing_number" if error.code == "clearing_check_digit" else "account_number"
        raise ValidationError({field: [error]})
    return clearing, account
