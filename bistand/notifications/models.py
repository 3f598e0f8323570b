"""Aviseringar: the app's tables (see bistand/notifications/__init__.py).

``ContactPreference`` is the applicant's own e-mail address and mobile number, kept only with
their consent and removed (the row deleted, no history kept) when they withdraw it.
``Notice`` is one message to send on one channel: what it is about (``kind``), never the
address or any text about the case, so a failed notice shown to staff reveals nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from bistand.cases.models import Case, Person


class Kind(models.TextChoices):
    COSIGN_NEEDED = "cosign_needed", "medsökande behöver skriva under"
    DECISION_MADE = "decision_made", "beslut fattat"
    COMPLETION_REQUESTED = "completion_requested", "komplettering begärd"
    MEETING_BOOKED = "meeting_booked", "planeringsmöte bokat"
    MEETING_CHANGED = "meeting_changed", "planeringsmöte ändrat"
    ACTIVITY_ATTENTION = "activity_attention", "aktivitet eller frånvaro behöver åtgärdas"
    KOMMUNICERING_SENT = "kommunicering_sent", "kommunicering skickad"
    APPEAL_UPDATE = "appeal_update", "överklagande ändrat"
    URGENT_DECIDED = "urgent_decided", "nödbistånd beslutat"


class Channel(models.TextChoices):
    EMAIL = "email", "e-post"
    SMS = "sms", "sms"


class Status(models.TextChoices):
    PENDING = "pending", "väntar"
    SENT = "sent", "skickad"
    FAILED = "failed", "misslyckad"


class ContactPreference(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField("e-postadress", blank=True)
    mobile = models.CharField("mobilnummer", max_length=16, blank=True)
    consented_at = models.DateTimeField("samtycke lämnat", default=timezone.now)
    updated_at = models.DateTimeField("ändrat", auto_now=True)

    class Meta:
        verbose_name = "kontaktuppgift för aviseringar"
        verbose_name_plural = "kontaktuppgifter för aviseringar"

    def __str__(self) -> str:
        return f"Aviseringar för person {self.person_id}"


class Notice(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    kind = models.CharField("händelse", max_length=32, choices=Kind.choices)
    channel = models.CharField("kanal", max_length=8, choices=Channel.choices)
    status = models.CharField(
        "status", max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField("försök", default=0)
    created_at = models.DateTimeField("skapad", default=timezone.now)
    next_attempt_at = models.DateTimeField("nästa försök", null=True, blank=True)
    sent_at = models.DateTimeField("skickad", null=True, blank=True)
    failed_at = models.DateTimeField("misslyckad", null=True, blank=True)
    last_error = models.CharField(
        "senaste fel", max_length=300, blank=True, help_text="Tekniskt fel, utan personuppgifter."
    )

    class Meta:
        verbose_name = "avisering"
        verbose_name_plural = "aviseringar"
        indexes = [models.Index(fields=["status", "created_at"], name="notice_status_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()}, {self.status})"
