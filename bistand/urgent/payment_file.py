"""The urgent payment's own pain.001 file: one transfer, executed today (or the next bank day),
outside the day's batch. Built with bistand.payments' file builder, debtor and payee account
rules, so the bank gets the same kind of file as from the daily export."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from bistand.payments import accounts, methods, pain001
from bistand.payments.services import debtor_for, payout_account_of

from .models import UrgentPayment


class PaymentFileError(Exception):
    """The payment cannot be written to a file yet; the message is Swedish."""


def execution_day(today: date) -> date:
    """Today, or the next weekday (the bank executes on bank days)."""
    from bistand.payments.services import next_bank_day

    return today if today.weekday() < 5 else next_bank_day(today)


def payee_account(payment: UrgentPayment) -> tuple[str, str]:
    account = payout_account_of(payment.payee)
    if account is None:
        raise PaymentFileError(
            "Den sökande har inget utbetalningskonto registrerat. Registrera kontot först."
        )
    clearing, number = account.clearing_number, account.account_number
    if account.uses_register:
        found = methods.account_register().lookup(payment.payee.personnummer)
        if found is None:
            raise PaymentFileError("Den sökande har inget konto i Kontoregistret.")
        clearing, number = found.clearing_number, found.account_number
    try:
        clearing = accounts.normalise_clearing(clearing)
        number = accounts.normalise_account(clearing, number)
    except ValidationError:
        raise PaymentFileError("Utbetalningskontot är inte giltigt.") from None
    return clearing, number


def build(payment: UrgentPayment) -> tuple[bytes, str, date]:
    request = payment.decision.request
    municipality = request.case.municipality
    try:
        debtor = debtor_for(municipality)
    except Exception as error:  # ExportError: missing configuration, in Swedish
        raise PaymentFileError(str(error)) from None
    clearing, number = payee_account(payment)
    name = f"{payment.payee.given_name} {payment.payee.family_name}".strip()
    if not name:
        raise PaymentFileError("Den sökande saknar namn; banken behöver mottagarens namn.")
    now = timezone.localtime()
    message_id = f"AKUT-{now:%Y%m%d%H%M%S}-{payment.pk}"[:35]
    execution_date = execution_day(now.date())
    content = pain001.build(
        pain001.CreditTransferFile(
            message_id=message_id,
            payment_info_id=f"{message_id[:31]}-P1",
            created=now.replace(microsecond=0),
            execution_date=execution_date,
            initiator=pain001.Party(
                name=debtor.name, organisation_number=debtor.organisation_number
            ),
            debtor_account=pain001.DebtorAccount(bban=debtor.account, bic=debtor.bic),
            transfers=(
                pain001.Transfer(
                    end_to_end_id=f"AKUT-{payment.pk}",
                    amount_ore=payment.amount_ore,
                    creditor_name=name[:70],
                    creditor_clearing=clearing[:4],
                    creditor_bban=accounts.bban(clearing, number),
                    remittance="Akut hjälp",
                ),
            ),
        )
    )
    return content, message_id, execution_date
