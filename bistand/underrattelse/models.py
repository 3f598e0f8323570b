"""Underrättelser: the app's tables (see bistand/underrattelse/__init__.py).

An ``Underrattelse`` is staff-only: no applicant page, API or letter reads this table (tests).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from bistand.cases.models import Application, Case, Person


class Authority(models.TextChoices):
    """The authorities and bodies lag (2008:206) 2 § covers, that decide the benefits."""

    FK = "fk", "Försäkringskassan"
    CSN = "csn", "Centrala studiestödsnämnden (CSN)"
    AF = "af", "Arbetsförmedlingen"
    PM = "pm", "Pensionsmyndigheten"
    AKASSA = "akassa", "Arbetslöshetskassa (a-kassa)"
    MIGRATIONSVERKET = "migrationsverket", "Migrationsverket"
    SKV = "skv", "Skatteverket"
    OTHER_MUNICIPALITY = "kommun", "Annan kommun"


class Underrattelse(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="underrattelser")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="gäller",
        help_text="Personen som förmånen betalats till.",
    )
    authority = models.CharField("myndighet", max_length=20, choices=Authority.choices)
    authority_detail = models.CharField(
        "myndighet, närmare", max_length=200, blank=True, help_text="T.ex. vilken a-kassa."
    )
    benefit = models.CharField("förmån", max_length=200)
    ground = models.TextField("grund")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("registrerad", default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "underrättelse"
        verbose_name_plural = "underrättelser"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Underrättelse {self.pk} till {self.get_authority_display()}"

    @property
    def authority_text(self) -> str:
        label = self.get_authority_display()
        return f"{label}, {self.authority_detail}" if self.authority_detail else label
