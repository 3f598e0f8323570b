"""Telling applicants there is something new, without any personal detail.

    from bistand.notifications.services import notify
    notify(person, "meeting_booked", case_id=case.pk)

``notify`` may be called inside the transaction that makes the change: the notices are written
with it, and each is queued for sending (``tasks.send_notice``) only once it has committed. A
person without consent on record gets nothing, and that is not an error. Every message has the
same subject and body (``SUBJECT``, ``body()``): what happened is only on Mina sidor.
"""

from __future__ import annotations

import logging
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from bistand.cases.models import Person

from . import conf
from .models import Channel, ContactPreference, Kind, Notice, Status

log = logging.getLogger(__name__)

KINDS = frozenset(Kind.values)
SUBJECT = "Du har ett nytt meddelande i Bistånd"


def mina_sidor_url() -> str:
    return conf.get("NOTIFY_PUBLIC_URL").rstrip("/") + "/mina-sidor/"


def body() -> str:
    """The whole text of every e-mail and SMS: no name, no case, no amount, no event."""
    return f"{SUBJECT}. Logga in på Mina sidor för att läsa det: {mina_sidor_url()}"


def preference(person: Person) -> ContactPreference | None:
    return ContactPreference.objects.filter(person=person).first()


def notify(person: Person, kind: str, *, case_id: int | None = None) -> list[Notice]:
    """Queue a notice to ``person`` on each channel they consented to; returns the notices.

    ``kind`` is one of ``KINDS`` (anything else: ValueError). Never raises for a person
    without contact details; a failure to send is retried by the task and, in the end, shown to
    staff (``Notice.status`` failed), never passed back to the caller.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}; one of {', '.join(sorted(KINDS))}")
    if person is None or person.pk is None:
        raise ValueError("notify needs a saved person")
    pref = preference(person)
    if pref is None:
        return []
    channels = [
        c for c, value in ((Channel.EMAIL, pref.email), (Channel.SMS, pref.mobile)) if value
    ]
    notices = [
        Notice.objects.create(person=person, case_id=case_id, kind=kind, channel=channel)
        for channel in channels
    ]
    for notice in notices:
        transaction.on_commit(lambda pk=notice.pk: _enqueue(pk), robust=True)
    return notices


def _enqueue(notice_id: int, run_after=None) -> None:
    from .tasks import send_notice

    task = send_notice if run_after is None else send_notice.using(run_after=run_after)
    task.enqueue(notice_id)


# --- The applicant's own contact details -------------------------------------------------

MOBILE = re.compile(r"^\+?[0-9]{7,15}$")


def normalise_mobile(value: str) -> str:
    """A Swedish or international mobile number as +<digits>; ValueError when it is not one."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if not digits:
        return ""
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+46" + digits[1:]
    elif not digits.startswith("+"):
        digits = "+" + digits
    if not MOBILE.match(digits) or (digits.startswith("+46") and not digits.startswith("+467")):
        raise ValueError(gettext_noop("Skriv ett mobilnummer, till exempel 070-123 45 67."))
    return digits


def save_preference(person: Person, *, email: str, mobile: str) -> ContactPreference | None:
    """Store what the applicant gave (consent is the act of saving); nothing given removes it.
    A mobile number that is not one: ValueError with a Swedish message."""
    from bistand.audit.services import Actor, record

    email = (email or "").strip()
    mobile = normalise_mobile(mobile)
    with transaction.atomic():
        if not email and not mobile:
            removed, _ = ContactPreference.objects.filter(person=person).delete()
            if removed:
                record(
                    "notifications.contact_removed",
                    actor=Actor.applicant(person),
                    subject=f"person:{person.pk}",
                )
            return None
        pref, created = ContactPreference.objects.update_or_create(
            person=person,
            defaults={"email": email, "mobile": mobile, "consented_at": timezone.now()},
        )
        record(
            "notifications.contact_saved",
            actor=Actor.applicant(person),
            subject=f"person:{person.pk}",
            data={"email": bool(email), "sms": bool(mobile), "new": created},
        )
    return pref


def remove_preference(person: Person) -> None:
    save_preference(person, email="", mobile="")


def has_consent(person: Person) -> bool:
    return ContactPreference.objects.filter(person=person).exists()


def failed_notices(case_id: int):
    return Notice.objects.filter(case_id=case_id, status=Status.FAILED).order_by("-created_at")
