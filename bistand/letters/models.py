"""The archived decision letter: one per decision, written once, never changed.

Create letters only through ``bistand.letters.services.archive_letter``: it renders the letter,
stores it and records its SHA-256 in the audit log in the same transaction. A letter is the
document the applicant received, so nothing in the application may change or remove it:
``save()`` of an existing letter, ``delete()`` and queryset ``update()``/``delete()`` raise
``ImmutableLetterError``, and the admin shows letters read-only. See docs/letters.md.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone

from bistand.decisions.models import Decision


class ImmutableLetterError(Exception):
    """An attempt to change or remove an archived decision letter."""


class DecisionLetterQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableLetterError("Ett arkiverat beslutsbrev kan inte ändras.")

    def delete(self):
        raise ImmutableLetterError("Ett arkiverat beslutsbrev kan inte tas bort.")


class DecisionLetter(models.Model):
    """The decision letter as sent: its HTML, its PDF (PDF/UA) and the PDF's SHA-256."""

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="letter", verbose_name="beslut"
    )
    html = models.TextField("brevet som HTML")
    pdf = models.BinaryField("brevet som PDF")
    sha256 = models.CharField("SHA-256 av PDF-filen", max_length=64)
    created_at = models.DateTimeField("arkiverat", default=timezone.now)
    template_version = models.CharField("mallversion", max_length=20)

    objects = DecisionLetterQuerySet.as_manager()

    class Meta:
        verbose_name = "beslutsbrev"
        verbose_name_plural = "beslutsbrev"

    def __str__(self) -> str:
        return f"Beslutsbrev för {self.decision}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableLetterError("Ett arkiverat beslutsbrev kan inte ändras.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableLetterError("Ett arkiverat beslutsbrev kan inte tas bort.")

    def pdf_matches_hash(self) -> bool:
        """Whether the stored PDF still has the SHA-256 recorded when it was archived."""
        return hashlib.sha256(bytes(self.pdf)).hexdigest() == self.sha256
