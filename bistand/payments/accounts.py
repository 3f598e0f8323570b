"""Swedish bank accounts (clearing number + account number): format, BBAN and masking.

Only the *format* is checked: digits, the clearing number's length, and the account number's
length for the bank the clearing number belongs to, following Bankgirot's "Bankernas
kontonummeruppbyggnad". Most banks ("typ 1") have seven-digit account numbers; the banks below
("typ 2") have their own lengths. The check digits are not verified (that needs the full,
changing table of clearing ranges and their rules); the bank rejects a wrong account with a
payment status report, and the money comes back.
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
