"""The digital mailbox for the letter itself (Mina meddelanden / Kivra): an interface and a
documented stub.

A notice (bistand/notifications/services.py) only says that something is new; the decision
letter itself may be delivered to the applicant's digital mailbox, which is legally a delivery
of the letter (delgivning is another matter, see docs/notifications.md). In production this is
Myndigheten för digital förvaltning's Mina meddelanden: the municipality registers as a sender
(avsändare), gets a function certificate, asks the FaR service (Förmedlingstjänstens
adressregister) whether the person has a mailbox, and delivers a signed message to that
person's mailbox operator (Kivra, Min myndighetspost, Fortnox, Billo). None of that can be
done without the municipality's agreement and certificate, so the adapter here is a stub with
the same interface: it answers "no mailbox" unless told otherwise, and records what it was
given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class MailboxError(Exception):
    pass


@dataclass(frozen=True)
class Receipt:
    operator: str
    message_id: str


class DigitalMailbox(Protocol):
    def has_mailbox(self, personnummer: str) -> bool:
        """FaR: does the person have a digital mailbox that accepts mail from the sender?"""

    def deliver(self, personnummer: str, *, subject: str, pdf: bytes) -> Receipt:
        """Deliver one letter (PDF/A or PDF/UA) to the person's mailbox; raises MailboxError."""


@dataclass
class StubMailbox:
    """Documented stub of Mina meddelanden: ``reachable`` holds the personnummer that "have" a
    mailbox; ``delivered`` what was delivered (subject and size only)."""

    reachable: set[str] = field(default_factory=set)
    delivered: list[tuple[str, str, int]] = field(default_factory=list)

    def has_mailbox(self, personnummer: str) -> bool:
        return personnummer in self.reachable

    def deliver(self, personnummer: str, *, subject: str, pdf: bytes) -> Receipt:
        if personnummer not in self.reachable:
            raise MailboxError("personen har ingen digital brevlåda (stubbe)")
        self.delivered.append((personnummer, subject, len(pdf)))
        return Receipt(operator="stub", message_id=f"stub-{len(self.delivered)}")
