"""The pain.001 builder on its own: amounts as text, and a file the schema refuses is never
returned."""

from datetime import date, datetime

import pytest

from bistand.payments import pain001


def a_file(**changes) -> pain001.CreditTransferFile:
    values = {
        "message_id": "BISTAND-20250401083000-1-1",
        "payment_info_id": "BISTAND-20250401083000-1-1-P1",
        "created": datetime(2025, 4, 1, 8, 30, 0, 123456),
        "execution_date": date(2025, 4, 2),
        "initiator": pain001.Party(name="Exempelkommun", organisation_number="2120000000"),
        "debtor_account": pain001.DebtorAccount(bban="50001234567", bic="ESSESESS"),
        "transfers": (
            pain001.Transfer(
                end_to_end_id="UTB-1",
                amount_ore=512300,
                creditor_name="Anna Andersson",
                creditor_clearing="8327",
                creditor_bban="83271234567890",
                remittance="Ekonomiskt bistånd 2025-04",
            ),
        ),
    }
    values.update(changes)
    return pain001.CreditTransferFile(**values)


@pytest.mark.parametrize(
    ("ore", "text"),
    [
        (0, "0.00"),
        (1, "0.01"),
        (99, "0.99"),
        (100, "1.00"),
        (512300, "5123.00"),
        (123456789012, "1234567890.12"),
    ],
)
def test_amounts_are_exact_decimal_text(ore, text):
    assert pain001.amount_text(ore) == text


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError):
        pain001.amount_text(-1)


def test_the_creation_time_is_local_to_the_second():
    content = pain001.build(a_file())
    assert b"<CreDtTm>2025-04-01T08:30:00</CreDtTm>" in content
    assert content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_a_file_the_schema_refuses_is_never_returned():
    with pytest.raises(pain001.InvalidPaymentFile, match="BIC"):
        pain001.build(a_file(debtor_account=pain001.DebtorAccount(bban="1", bic="not a bic")))
    with pytest.raises(pain001.InvalidPaymentFile, match="MsgId"):
        pain001.build(a_file(message_id="X" * 36))


def test_no_file_without_transfers():
    with pytest.raises(ValueError):
        pain001.build(a_file(transfers=()))
