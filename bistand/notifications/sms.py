"""SMS through a gateway: an interface, the HTTP gateway adapter, and a log-only adapter for
development.

``BISTAND_SMS_GATEWAY`` picks the adapter: ``log`` (default; sends nothing, writes one log
line without the number) or ``http``. The HTTP adapter's contract (docs/notifications.md)::

    POST $BISTAND_SMS_URL
    Authorization: Bearer $BISTAND_SMS_TOKEN
    Content-Type: application/json
    {"from": "Bistand", "to": "+46701234567", "message": "Du har ett nytt meddelande ..."}

    2xx → sent; anything else, or no answer within the timeout → SmsError (the task retries).

Most Swedish SMS providers (46elks, Link Mobility, Sinch …) accept such a request, or a small
proxy in front of theirs does; the adapter is deliberately no more than this.
"""

from __future__ import annotations

import logging
from typing import ClassVar, Protocol

import httpx

from . import conf

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The message was not accepted; the text says why, without the number or the message."""


class SmsGateway(Protocol):
    def send(self, to: str, message: str) -> None: ...


class LogOnlySmsGateway:
    """Development only: nothing is sent; the log says an SMS would have gone (no number)."""

    sent: ClassVar[list[tuple[str, str]]] = []  # what tests may read

    def send(self, to: str, message: str) -> None:
        LogOnlySmsGateway.sent.append((to, message))
        log.info("sms (log-only gateway, nothing sent): %d characters", len(message))


class HttpSmsGateway:
    def __init__(self, url: str, token: str, sender: str, timeout: float = 10.0):
        if not url:
            raise SmsError("BISTAND_SMS_URL saknas för sms-gatewayen")
        self.url, self.token, self.sender, self.timeout = url, token, sender, timeout

    def send(self, to: str, message: str) -> None:
        try:
            response = httpx.post(
                self.url,
                json={"from": self.sender, "to": to, "message": message},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
                trust_env=False,
            )
        except httpx.HTTPError as exc:
            raise SmsError(f"sms-gatewayen svarade inte: {type(exc).__name__}") from None
        if not response.is_success:
            raise SmsError(f"sms-gatewayen svarade {response.status_code}")


def gateway() -> SmsGateway:
    name = conf.get("NOTIFY_SMS_GATEWAY")
    if name == "log":
        return LogOnlySmsGateway()
    if name == "http":
        return HttpSmsGateway(
            conf.get("NOTIFY_SMS_URL"),
            conf.get("NOTIFY_SMS_TOKEN"),
            conf.get("NOTIFY_SMS_SENDER"),
            timeout=conf.get("NOTIFY_SMTP_TIMEOUT"),
        )
    raise SmsError(f"okänd sms-gateway {name!r}; 'log' eller 'http'")
