"""Sending a notice: a background task (django-tasks) with retries and a growing wait.

A notice that cannot be sent is tried again after ``NOTIFY_RETRY_SECONDS``, then twice that,
and so on, ``NOTIFY_MAX_ATTEMPTS`` times in all; then it is ``failed`` and shown to staff (the
case view's panel and the failed notices page). The case never waits for it.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import conf, services, sms
from .models import Channel, Notice, Status

log = logging.getLogger(__name__)


class SendError(Exception):
    pass


@task(priority=-20)
def send_notice(notice_id: int) -> str:
    notice = Notice.objects.filter(pk=notice_id).first()
    if notice is None or notice.status != Status.PENDING:
        return "nothing to do"
    pref = services.preference(notice.person)
    address = None
    if pref is not None:
        address = pref.email if notice.channel == Channel.EMAIL else pref.mobile
    if not address:  # the consent was withdrawn meanwhile: nothing may be sent
        Notice.objects.filter(pk=notice.pk).update(
            status=Status.FAILED, failed_at=timezone.now(), last_error="samtycket återkallat"
        )
        return "no consent"
    try:
        _send(notice.channel, address)
    except Exception as exc:  # whatever the transport raised: retry, then show staff
        return _failed_attempt(notice, _describe(exc))
    Notice.objects.filter(pk=notice.pk).update(
        status=Status.SENT, sent_at=timezone.now(), attempts=notice.attempts + 1, last_error=""
    )
    return "sent"


def _send(channel: str, address: str) -> None:
    if channel == Channel.EMAIL:
        connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            host=conf.get("NOTIFY_SMTP_HOST"),
            port=conf.get("NOTIFY_SMTP_PORT"),
            username=conf.get("NOTIFY_SMTP_USER") or None,
            password=conf.get("NOTIFY_SMTP_PASSWORD") or None,
            use_tls=conf.get("NOTIFY_SMTP_STARTTLS"),
            timeout=conf.get("NOTIFY_SMTP_TIMEOUT"),
            fail_silently=False,
        )
        message = EmailMessage(
            services.SUBJECT,
            services.body(),
            conf.get("NOTIFY_MAIL_FROM"),
            [address],
            connection=connection,
        )
        message.send()
    else:
        sms.gateway().send(address, services.body())


def _describe(exc: Exception) -> str:
    """The technical reason, without the address (an SMTP refusal may quote it)."""
    if isinstance(exc, sms.SmsError):
        return str(exc)[:300]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "SMTP: mottagaren nekades"
    return type(exc).__name__


def _failed_attempt(notice: Notice, reason: str) -> str:
    attempts = notice.attempts + 1
    now = timezone.now()
    if attempts >= conf.get("NOTIFY_MAX_ATTEMPTS"):
        with transaction.atomic():
            Notice.objects.filter(pk=notice.pk).update(
                status=Status.FAILED, attempts=attempts, failed_at=now, last_error=reason
            )
            from bistand.audit.services import Actor, record

            record(
                "notifications.failed",
                actor=Actor.system("notifications"),
                case_id=notice.case_id,
                subject=f"notice:{notice.pk}",
                data={"kind": notice.kind, "channel": notice.channel, "attempts": attempts},
            )
        log.warning("notice %s failed after %s attempts: %s", notice.pk, attempts, reason)
        return "failed"
    wait = timedelta(seconds=conf.get("NOTIFY_RETRY_SECONDS") * 2 ** (attempts - 1))
    Notice.objects.filter(pk=notice.pk).update(
        attempts=attempts, next_attempt_at=now + wait, last_error=reason
    )
    services._enqueue(notice.pk, run_after=now + wait)
    log.info("notice %s attempt %s failed (%s); again in %ss", notice.pk, attempts, reason, wait)
    return "retry"
