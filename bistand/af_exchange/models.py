"""Utbyte med Arbetsförmedlingen: the notices that go between the socialnämnd and
Arbetsförmedlingen under the aktivitetskrav (prop. 2025/26:207).

* ``AfNotice``: a notice *from* Arbetsförmedlingen (too little occupation, or participation in
  a labour-market programme), stored once per AF reference.
* ``OutgoingAfNotice``: the nämnd's notice *to* Arbetsförmedlingen that a jobseeker may come
  under the requirement, once per person and month.

No personnummer is kept on a notice that is matched to a person we know; an unmatched notice
keeps it (12 digits) only so that an administrator can resolve it, and never creates a person.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from bistand.cases.models import Municipality, Person


class NoticeKind(models.TextChoices):
    TOO_LITTLE_OCCUPATION = "too_little_occupation", "För låg sysselsättning"
    PROGRAMME_PARTICIPATION = "programme_participation", "Deltar i arbetsmarknadspolitiskt program"


class AfNotice(models.Model):
    """A notice received from Arbetsförmedlingen."""

    reference = models.CharField(
        "Arbetsförmedlingens referens", max_length=64, unique=True, help_text="Unik hos AF."
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="af_notices",
        null=True,
        blank=True,
        help_text="Tom när personnumret inte hör till någon som kommunen redan känner.",
    )
    unmatched_personnummer = models.CharField(
        "personnummer (ej matchat)",
        max_length=12,
        blank=True,
        help_text="Sparas bara så länge underrättelsen inte är kopplad till en person.",
    )
    kind = models.CharField("typ", max_length=32, choices=NoticeKind.choices)
    full_time = models.BooleanField("heltid", default=False)
    period_start = models.DateField("från")
    period_end = models.DateField("till", null=True, blank=True)
    issued_at = models.DateTimeField("skickad av AF", null=True, blank=True)
    received_at = models.DateTimeField("mottagen", default=timezone.now)
    payload = models.JSONField(
        "uppgifter (minimerade)",
        default=dict,
        blank=True,
        help_text="AF:s meddelande utan personnummer och utan fält vi inte använder.",
    )

    class Meta:
        verbose_name = "underrättelse från Arbetsförmedlingen"
        verbose_name_plural = "underrättelser från Arbetsförmedlingen"
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["person", "period_start"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.reference})"

    @property
    def matched(self) -> bool:
        return self.person_id is not None

    @property
    def masked_personnummer(self) -> str:
        """The unmatched number as staff may see it (birth date, last four hidden)."""
        from bistand.cases import personnummer as pnr

        return pnr.mask(self.unmatched_personnummer) if self.unmatched_personnummer else ""

    def touches(self, first, last) -> bool:
        """True when the notice's period has a day between ``first`` and ``last``."""
        return self.period_start <= last and (self.period_end is None or self.period_end >= first)


class OutgoingStatus(models.TextChoices):
    QUEUED = "queued", "Köad"
    SENT = "sent", "Skickad"
    FAILED = "failed", "Misslyckades"


class OutgoingAfNotice(models.Model):
    """The nämnd's notice to Arbetsförmedlingen that a jobseeker may come under the
    aktivitetskrav: one per person and month."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="af_outgoing")
    month = models.CharField("månad", max_length=7, help_text="ÅÅÅÅ-MM")
    reason = models.CharField("skäl", max_length=300, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=OutgoingStatus.choices, default=OutgoingStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(
        "försök", default=0, help_text="Körningar av sändningen (var och en med några anrop)."
    )
    next_attempt_at = models.DateTimeField("nästa försök", null=True, blank=True)
    last_error = models.CharField("senaste fel", max_length=300, blank=True)
    created_at = models.DateTimeField("skapad", default=timezone.now)
    created_by = models.CharField("skapad av", max_length=200, blank=True)
    sent_at = models.DateTimeField("skickad", null=True, blank=True)
    reference = models.CharField("AF:s kvittens", max_length=64, blank=True)

    class Meta:
        verbose_name = "underrättelse till Arbetsförmedlingen"
        verbose_name_plural = "underrättelser till Arbetsförmedlingen"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="af_outgoing_once_per_month")
        ]

    def __str__(self) -> str:
        return f"Underrättelse till AF {self.month} ({self.get_status_display()})"


class AfExchangeCursor(models.Model):
    """How far the municipality has fetched Arbetsförmedlingen's notices, and how it went."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="af_exchange_cursor"
    )
    cursor = models.CharField("markör", max_length=200, blank=True)
    last_attempt_at = models.DateTimeField("senaste hämtning", null=True, blank=True)
    last_success_at = models.DateTimeField("senast lyckad", null=True, blank=True)
    last_error = models.CharField("senaste fel", max_length=300, blank=True)
    failures_in_a_row = models.PositiveIntegerField("misslyckade i följd", default=0)

    class Meta:
        verbose_name = "hämtning från Arbetsförmedlingen"
        verbose_name_plural = "hämtningar från Arbetsförmedlingen"

    def __str__(self) -> str:
        return f"Hämtning från AF för {self.municipality}"
