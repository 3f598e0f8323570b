"""The ways a municipality pays assistance out, and the account register behind one of them.

``settings.PAYOUT_METHODS`` names the methods the e-service offers (default: bank account
only):

* ``bank_account``: the applicant gives a Swedish bank account (clearing number and account
  number, checked by ``accounts.validate``);
* ``account_register``: the applicant asks to be paid into the account they have registered
  in a bank's account register (in Sweden, Kontoregistret, which authorities use to pay to a
  personnummer). The account is looked up when the payment file is made, through
  ``settings.PAYOUT_ACCOUNT_REGISTER`` (a dotted path to an ``AccountRegister``); the account
  found is written on the order, so the history still says which account was paid.

The register's real integration (the bank's file or API service, with the municipality's
agreement) is not built: ``LocalAccountRegister`` is a stand-in that answers from
``settings.PAYOUT_ACCOUNT_REGISTER_LOCAL`` (a dict of personnummer → "clearing, account"),
which is empty unless development or a test fills it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from bistand.cases import personnummer as pnr

from . import accounts
from .models import PayoutMethod

DEFAULT_METHODS = (PayoutMethod.BANK_ACCOUNT,)
DEFAULT_REGISTER = "bistand.payments.methods.LocalAccountRegister"


def offered() -> list[str]:
    """The payout methods the e-service offers, in the settings' order; always at least one."""
    configured = getattr(settings, "PAYOUT_METHODS", None) or DEFAULT_METHODS
    methods = [m for m in configured if m in PayoutMethod.values]
    return methods or list(DEFAULT_METHODS)


@dataclass(frozen=True)
class RegisteredAccount:
    clearing_number: str
    account_number: str


class AccountRegister(Protocol):
    """A bank's account register: the account a person has registered to be paid into."""

    def lookup(self, personnummer: str) -> RegisteredAccount | None:
        """The person's registered account (digits), or None if they have none."""


class LocalAccountRegister:
    """The stand-in: ``settings.PAYOUT_ACCOUNT_REGISTER_LOCAL`` = {personnummer: "8327-9,
    0147258925"}. An entry that is not a valid account counts as none."""

    def lookup(self, personnummer: str) -> RegisteredAccount | None:
        table = getattr(settings, "PAYOUT_ACCOUNT_REGISTER_LOCAL", None) or {}
        wanted = pnr.normalise(personnummer)
        for key, value in table.items():
            try:
                if pnr.normalise(key) != wanted:
                    continue
                clearing, _, account = str(value).partition(",")
                return RegisteredAccount(*accounts.validate(clearing, account))
            except (ValueError, ValidationError):
                continue
        return None


def account_register() -> AccountRegister:
    path = getattr(settings, "PAYOUT_ACCOUNT_REGISTER", None) or DEFAULT_REGISTER
    return import_string(path)()
