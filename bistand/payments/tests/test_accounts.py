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
