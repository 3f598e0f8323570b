"""The notifications' configuration, read from the environment (docs/operations.md).

Kept in this app rather than in bistand/settings.py; a test may override any of these with a
Django setting of the same name (``override_settings(NOTIFY_SMTP_PORT=...)``).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # The address in every link: where Mina sidor is reached from outside.
    "NOTIFY_PUBLIC_URL": os.environ.get("BISTAND_PUBLIC_URL", "http://127.0.0.1:8000"),
    # E-mail over SMTP (Django's mail framework, its SMTP backend).
    "NOTIFY_SMTP_HOST": os.environ.get("BISTAND_SMTP_HOST", "127.0.0.1"),
    "NOTIFY_SMTP_PORT": int(os.environ.get("BISTAND_SMTP_PORT", "25")),
    "NOTIFY_SMTP_USER": os.environ.get("BISTAND_SMTP_USER", ""),
    "NOTIFY_SMTP_PASSWORD": os.environ.get("BISTAND_SMTP_PASSWORD", ""),
    "NOTIFY_SMTP_STARTTLS": os.environ.get("BISTAND_SMTP_STARTTLS", "") == "1",
    "NOTIFY_SMTP_TIMEOUT": float(os.environ.get("BISTAND_SMTP_TIMEOUT", "10")),
    "NOTIFY_MAIL_FROM": os.environ.get("BISTAND_MAIL_FROM", "Bistånd <noreply@bistand.invalid>"),
    # SMS: "log" (development: writes a log line, sends nothing) or "http" (the gateway).
    "NOTIFY_SMS_GATEWAY": os.environ.get("BISTAND_SMS_GATEWAY", "log"),
    "NOTIFY_SMS_URL": os.environ.get("BISTAND_SMS_URL", ""),
    "NOTIFY_SMS_TOKEN": os.environ.get("BISTAND_SMS_TOKEN", ""),
    "NOTIFY_SMS_SENDER": os.environ.get("BISTAND_SMS_SENDER", "Bistand"),
    # Retries: attempts in all, and the first wait (doubled each time).
    "NOTIFY_MAX_ATTEMPTS": int(os.environ.get("BISTAND_NOTIFY_MAX_ATTEMPTS", "5")),
    "NOTIFY_RETRY_SECONDS": float(os.environ.get("BISTAND_NOTIFY_RETRY_SECONDS", "60")),
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
