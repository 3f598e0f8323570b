"""A real SMTP server on loopback (aiosmtpd in a thread) for the notifications' tests."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "raw": envelope.content,
                "data": envelope.content.decode("utf-8", "replace"),
            }
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server; the notifications send to it. ``.messages`` is what arrived."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.NOTIFY_SMTP_HOST = "127.0.0.1"
    settings.NOTIFY_SMTP_PORT = controller.port
    settings.NOTIFY_SMTP_TIMEOUT = 5
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def no_smtp_server(settings):
    """Nothing listens: every e-mail attempt fails (connection refused)."""
    settings.NOTIFY_SMTP_HOST = "127.0.0.1"
    settings.NOTIFY_SMTP_PORT = free_port()
    settings.NOTIFY_SMTP_TIMEOUT = 2
