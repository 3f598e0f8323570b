"""The local SMTP stand-in (development): aiosmtpd on loopback writing each message it
receives to a file in ``var/mail/`` (``<time>-<n>.eml``), and reading them back.

Never for production: it accepts anything from anyone who can reach the port, so it binds to
127.0.0.1 only. `make run` starts it (scripts/run.sh) and points Bistånd's SMTP settings at it.
"""

from __future__ import annotations

import email
import itertools
import logging
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from pathlib import Path

from aiosmtpd.controller import Controller


class MailDirHandler:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.directory / f"{stamp}-{next(self._counter):04d}.eml"
        path.write_bytes(envelope.content)
        return "250 Message accepted"


def start(directory: Path, port: int, host: str = "127.0.0.1") -> Controller:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # it logs every address at INFO
    controller = Controller(MailDirHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


@dataclass(frozen=True)
class StoredMail:
    path: Path
    to: str
    subject: str
    date: str
    body: str


def read(path: Path) -> StoredMail:
    message = email.message_from_bytes(path.read_bytes())
    part = message
    if message.is_multipart():
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True) or b""
    body = payload.decode(part.get_content_charset() or "utf-8", "replace")
    return StoredMail(
        path=path,
        to=str(message.get("To", "")),
        subject=str(make_header(decode_header(message.get("Subject", "")))),
        date=str(message.get("Date", "")),
        body=body,
    )


def messages(directory: Path) -> list[StoredMail]:
    return [read(p) for p in sorted(Path(directory).glob("*.eml"))]
