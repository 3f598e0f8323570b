"""Kommunicering: the app's tables (see bistand/kommunicering/__init__.py).

``Kommunicering`` is one sending of material to the applicant: what was sent is a snapshot
(``material``, with its SHA-256), written once and never recomputed, so the letter, Mina sidor
and the court bundle show exactly what the applicant saw. The answer is written once.
``Waiver`` is the caseworker's recorded reason to decide without waiting (FL 25 § second
paragraph).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from bistand.cases.models import Application, Person


class Kommunicering(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="kommuniceringar"
    )
    sent_at = models.DateTimeField("skickad", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField("svara senast")
    #: The snapshot: {"adverse": [...], "flags": [{label, message, evidence: [[k, v]]}],
    #: "lines": [text], "text": str, "proposal": {outcome, amount_ore, calculation}}.
    material = models.JSONField("materialet som skickades")
    material_sha256 = models.CharField(max_length=64)
    #: The proposal's calculated amount when sent: a later calculation lower than this needs
    #: kommunicering again (services.decision_block).
    calculated_ore = models.BigIntegerField(null=True, blank=True)
    answer = models.TextField("svar", blank=True)
    answered_at = models.DateTimeField("besvarad", null=True, blank=True)
    answered_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: Attachment ids (eservice.Attachment of the application) sent with the answer.
    answer_attachments = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "kommunicering"
        verbose_name_plural = "kommuniceringar"
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"Kommunicering {self.sent_at:%Y-%m-%d} ({self.application})"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class WaiverGround(models.TextChoices):
    URGENT = "urgent", "Ett avgörande kan inte skjutas upp (brådskande)"
    NOTHING_NEW = "nothing_new", "Uppenbart obehövligt: inget nytt som den sökande kan tillföra"
    OTHER = "other", "Annat skäl enligt förvaltningslagen 25 § andra stycket"


class Waiver(models.Model):
    """A decision against the applicant made without (waiting for) kommunicering, and why."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="kommunicering_waivers"
    )
    ground = models.CharField("grund", max_length=20, choices=WaiverGround.choices)
    text = models.TextField("motivering")
    recorded_at = models.DateTimeField("registrerad", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "beslut utan kommunicering"
        verbose_name_plural = "beslut utan kommunicering"
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_ground_display()} ({self.application})"
