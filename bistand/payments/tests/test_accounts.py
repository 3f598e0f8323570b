"""Payout accounts: the format of a Swedish bank account, said in Swedish, and shown masked."""

import pytest
from django.core.exceptions import ValidationError

from bistand.audit.models import AuditEvent
from bistand.cases.services import get_or_create_person
from bistand.payments import accounts
from bistand.payments.models import PayoutAccount
from bistand.payments.services import set_payout_account

from .conftest import TEST

APPLICANT = "198502019980"


def error_of(callable_, *args) -> str:
    with pytest.raises(ValidationError) as caught:
        callable_(*args)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize(
    ("clearing", "account", "expected_bban"),
    [
        ("5000", "1234567", "50001234567"),  # SEB: seven digits, as most banks
        ("8327-9", "123 456 789-0", "83271234567890"),  # Swedbank: the fifth digit is left out
        ("8327", "12345678", "832712345678"),
        ("6789", "123456789", "6789123456789"),  # Handelsbanken: nine digits
        ("3300", "8502019980", "33008502019980"),  # Nordea personkonto: the personnummer
        ("9960", "4123456", "99604123456"),  # Nordea Plusgirot
        ("9180", "1234567890", "91801234567890"),  # Danske Bank, ten digits
    ],
)
def test_accepted_accounts_and_their_bban(clearing, account, expected_bban):
    normalised = accounts.normalise_clearing(clearing)
    assert accounts.bban(normalised, accounts.normalise_account(normalised, account)) == (
        expected_bban
    )


@pytest.mark.parametrize(
    ("clearing", "message"),
    [
        ("", "Ange clearingnummer."),
        ("83A7", "Clearingnummer får bara innehålla siffror"),
        ("832", "Clearingnumret ska vara fyra siffror, eller fem för Swedbank"),
        ("50001", "Clearingnumret ska vara fyra siffror, eller fem för Swedbank"),
        ("0123", "Clearingnumret ska vara fyra siffror"),
    ],
)
def test_wrong_clearing_numbers_are_explained(clearing, message):
    assert message in error_of(accounts.normalise_clearing, clearing)


@pytest.mark.parametrize(
    ("clearing", "account", "message"),
    [
        ("5000", "123456", "Kontonumret ska ha 7 siffror för den här banken; det har 6."),
        ("6789", "1234567", "ska ha 8–9 siffror hos Handelsbanken (clearingnummer 6789)"),
        ("3300", "85020199", "personnumret utan sekelsiffror (ÅÅMMDDNNNN)"),
        ("8327", "12345678901", "ska ha 6–10 siffror hos Swedbank"),
        ("5000", "12345x7", "Kontonummer får bara innehålla siffror"),
    ],
)
def test_wrong_account_numbers_are_explained(clearing, account, message):
    assert message in error_of(accounts.normalise_account, clearing, account)


def test_masked_accounts_show_the_last_four_digits_but_never_a_personkonto():
    assert accounts.mask("83279", "1234567890") == "8327-9 ••••7890"
    assert accounts.mask("5000", "1234567") == "5000 ••••4567"
    assert accounts.mask("3300", "8502019980") == "3300 personkonto"


def test_set_payout_account_normalises_validates_and_keeps_history(db):
    person = get_or_create_person(APPLICANT)
    account = set_payout_account(
        person, clearing_number="8327-9", account_number="123 456 789-0", actor=TEST
    )
    assert (account.clearing_number, account.account_number) == ("83279", "1234567890")
    assert str(account) == "8327-9 ••••7890"

    set_payout_account(person, clearing_number="5000", account_number="7654321", actor=TEST)
    assert PayoutAccount.objects.filter(person=person).count() == 1
    history = PayoutAccount.history.filter(person=person).order_by("history_id")
    assert [h.account_number for h in history] == ["1234567890", "7654321"]
    events = AuditEvent.objects.filter(action="payment.account_set")
    assert [e.data for e in events] == [{"person": person.pk, "account": account.pk}] * 2


def test_a_wrong_account_is_refused_per_field_and_nothing_is_saved(db):
    person = get_or_create_person(APPLICANT)
    with pytest.raises(ValidationError) as caught:
        set_payout_account(person, clearing_number="83", account_number="12x", actor=TEST)
    assert set(caught.value.message_dict) == {"clearing_number", "account_number"}
    assert "Clearingnumret ska vara fyra siffror" in caught.value.message_dict["clearing_number"][0]
    assert not PayoutAccount.objects.exists()
    assert not AuditEvent.objects.filter(action="payment.account_set").exists()


# Accounts published by their banks (IBAN pages, annual reports) and Bankgirot's examples, as
# collected with their sources by github.com/Bankinfrastruktur/BankData (AccountTests.cs).
@pytest.mark.parametrize(
    ("clearing", "account"),
    [
        ("1274", "0235 305"),  # Danske Bank, typ 1 kommentar 1
        ("1294", "01 45237"),  # Danske Bank
        ("3473", "17 01473"),  # Nordea
        ("549 1", "000 0003"),  # SEB
        ("5839", "8257466"),  # SEB
        ("9022", "11 14884"),  # Länsförsäkringar Bank, typ 1 kommentar 2
        ("9040", "1106944"),  # Citibank, kommentar 2
        ("9190", "6543218"),  # DNB, kommentar 2
        ("3300", "101010-1010"),  # Nordea personkonto, typ 2 kommentar 1 (modulus 10)
        ("9570", "525 004 176 0"),  # Sparbanken Syd, typ 2 kommentar 1
        ("9180", "1111111116"),  # Danske Bank, typ 2 kommentar 1
        ("6114", "5171 82351"),  # Handelsbanken, typ 2 kommentar 2 (modulus 11, nine digits)
        ("8327-9", "014 725 892-5"),  # Swedbank, typ 2 kommentar 3 (clearing digit too)
        ("81034", "978 3242"),  # Swedbank
        ("9960", "1111111116"),  # Nordea (Plusgirot), kommentar 3
        ("9999", "0123454"),  # a clearing number newer than the table: typ 1 kommentar 1
    ],
)
def test_accounts_that_pass_the_bank_s_check_digit(clearing, account):
    accounts.validate(clearing, account)


@pytest.mark.parametrize(
    ("clearing", "account", "field", "message"),
    [
        ("9272", "1829751", "account_number", "kontrollsiffran är fel"),  # ICA Banken
        ("6789", "123456788", "account_number", "kontrollsiffran är fel"),  # Handelsbanken
        ("5839", "8257467", "account_number", "kontrollsiffran är fel"),  # one digit wrong
        ("83270", "123456782", "clearing_number", "Clearingnumrets femte siffra stämmer inte"),
        ("9999", "1234567", "account_number", "kontrollsiffran är fel"),
        ("5839", "825746", "account_number", "Kontonumret ska ha 7 siffror"),
        ("83", "1234567", "clearing_number", "Clearingnumret ska vara fyra siffror"),
    ],
)
def test_a_wrong_check_digit_is_named_on_its_field(clearing, account, field, message):
    with pytest.raises(ValidationError) as caught:
        accounts.validate(clearing, account)
    assert message in " ".join(caught.value.message_dict[field])


def test_the_check_digit_methods():
    assert accounts.mod10_ok("83279") and not accounts.mod10_ok("83270")
    # Swedbank 7104-1234562 (typ 1 kommentar 1): the clearing number without its first digit
    assert accounts.mod11_ok("1041234562") and not accounts.mod11_ok("1041234563")
    assert accounts.check_digits_ok("7104", "1234562")
