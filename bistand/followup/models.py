"""Precomputed monthly figures: what the follow-up pages read, so they stay fast with 100 000
cases. Always reproducible from the raw data with ``bistand followup refresh``
(``bistand.followup.aggregates``); the worker refreshes them in its housekeeping."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class MonthlyFigures(models.Model):
    """The additive parts of every measure for one unit's cases and one month (``ÅÅÅÅ-MM``), or
    for one calendar year (``ÅÅÅÅ``: long-term assistance). ``unit_key`` 0 = cases without a
    unit. What ``data`` holds: ``bistand.followup.aggregates``."""

    municipality = models.ForeignKey(
        "cases.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    unit_key = models.IntegerField("enhet (0 = ingen)")
    period = models.CharField("månad eller år", max_length=7)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField("beräknad", default=timezone.now)

    class Meta:
        verbose_name = "månadssiffror"
        verbose_name_plural = "månadssiffror"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "unit_key", "period"], name="monthly_figures_unique"
            )
        ]
        indexes = [models.Index(fields=["municipality", "period"], name="monthly_figures_period")]

    def __str__(self) -> str:
        return f"{self.period} enhet {self.unit_key}"
