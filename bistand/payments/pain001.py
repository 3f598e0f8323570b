"""The bank file: ISO 20022 pain.001.001.03 (CustomerCreditTransferInitiationV03), in SEK.

Built with lxml from plain values (no Django models), validated against the official schema
shipped in ``xsd/`` (see xsd/README.md). The mapping, and what Swedish banks' implementation
guides say about it, is in docs/payments.md. The same input always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from lxml import etree

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
XSD_PATH = Path(__file__).resolve().parent / "xsd" / "pain.001.001.03.xsd"
CURRENCY = "SEK"
NAME_MAX = 70  # Max140Text in the schema; the Swedish banks' guides allow 70 (some 35)


class InvalidPaymentFile(Exception):
    """The file we built does not validate against the schema: a bug, never sent."""


@dataclass(frozen=True)
class Party:
    name: str
    organisation_number: str  # ten digits, no hyphen


@dataclass(frozen=True)
class DebtorAccount:
    bban: str  # clearing number + account number
    bic: str  # the municipality's bank


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    amount_ore: int
    creditor_name: str
    creditor_clearing: str  # four digits
    creditor_bban: str
    remittance: str


@dataclass(frozen=True)
class CreditTransferFile:
    message_id: str
    payment_info_id: str
    created: datetime  # local time; written to the second, without an offset
    execution_date: date
    initiator: Party
    debtor_account: DebtorAccount
    transfers: tuple[Transfer, ...]

    @property
    def control_sum_ore(self) -> int:
        return sum(t.amount_ore for t in self.transfers)


def amount_text(ore: int) -> str:
    """Integer öre as the file's decimal text: 123456 → ``1234.56``."""
    if ore < 0:
        raise ValueError("negative amounts do not go in a credit transfer")
    return f"{ore // 100}.{ore % 100:02d}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str):
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _path(parent: etree._Element, *tags: str, text: str | None = None):
    """``_path(x, "Id", "Othr", "Id", text="…")`` makes the nested elements and returns the last."""
    for tag in tags[:-1]:
        parent = _sub(parent, tag)
    return _sub(parent, tags[-1], text)


def _account(parent: etree._Element, tag: str, bban: str) -> None:
    account = _sub(parent, tag)
    other = _path(account, "Id", "Othr")
    _sub(other, "Id", bban)
    _path(other, "SchmeNm", "Cd", text="BBAN")
    _sub(account, "Ccy", CURRENCY)


def build(payment_file: CreditTransferFile) -> bytes:
    """The pain.001.001.03 document as UTF-8 bytes, validated against the schema."""
    if not payment_file.transfers:
        raise ValueError("a payment file needs at least one transfer")
    count = str(len(payment_file.transfers))
    control_sum = amount_text(payment_file.control_sum_ore)

    document = etree.Element(f"{{{NAMESPACE}}}Document", nsmap={None: NAMESPACE})
    initiation = _sub(document, "CstmrCdtTrfInitn")

    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", payment_file.message_id)
    _sub(header, "CreDtTm", payment_file.created.replace(tzinfo=None, microsecond=0).isoformat())
    _sub(header, "NbOfTxs", count)
    _sub(header, "CtrlSum", control_sum)
    initiator = _sub(header, "InitgPty")
    _sub(initiator, "Nm", payment_file.initiator.name[:NAME_MAX])
    org = _path(initiator, "Id", "OrgId", "Othr")
    _sub(org, "Id", payment_file.initiator.organisation_number)
    _path(org, "SchmeNm", "Cd", text="BANK")

    info = _sub(initiation, "PmtInf")
    _sub(info, "PmtInfId", payment_file.payment_info_id)
    _sub(info, "PmtMtd", "TRF")
    _sub(info, "NbOfTxs", count)
    _sub(info, "CtrlSum", control_sum)
    _path(info, "PmtTpInf", "SvcLvl", "Cd", text="NURG")
    _sub(info, "ReqdExctnDt", payment_file.execution_date.isoformat())
    debtor = _sub(info, "Dbtr")
    _sub(debtor, "Nm", payment_file.initiator.name[:NAME_MAX])
    _account(info, "DbtrAcct", payment_file.debtor_account.bban)
    _path(info, "DbtrAgt", "FinInstnId", "BIC", text=payment_file.debtor_account.bic)

    for transfer in payment_file.transfers:
        tx = _sub(info, "CdtTrfTxInf")
        _path(tx, "PmtId", "EndToEndId", text=transfer.end_to_end_id)
        _path(tx, "Amt", "InstdAmt", text=amount_text(transfer.amount_ore)).set("Ccy", CURRENCY)
        member = _path(tx, "CdtrAgt", "FinInstnId", "ClrSysMmbId")
        _path(member, "ClrSysId", "Cd", text="SESBA")
        _sub(member, "MmbId", transfer.creditor_clearing)
        _path(tx, "Cdtr", "Nm", text=transfer.creditor_name[:NAME_MAX])
        _account(tx, "CdtrAcct", transfer.creditor_bban)
        _path(tx, "RmtInf", "Ustrd", text=transfer.remittance)

    content = etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate(content)  # what is written is what was validated
    return content


@cache
def schema() -> etree.XMLSchema:
    """The official schema, parsed once (from the file in the repository, never the network)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(XSD_PATH), parser))


def validate(content: bytes) -> None:
    """Raise ``InvalidPaymentFile`` naming the first problems if ``content`` is not valid."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    try:
        document = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise InvalidPaymentFile(f"Betalningsfilen är inte välformad XML: {error}") from None
    xsd = schema()
    if not xsd.validate(document):
        problems = "; ".join(f"rad {e.line}: {e.message}" for e in list(xsd.error_log)[:5])
        raise InvalidPaymentFile(f"Betalningsfilen följer inte pain.001.001.03: {problems}")
