"""What the registers said for an application (one row per person and source)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from bistand.cases.models import Application, Person


class RegisterFetch(models.Model):
    """One source's answer for one person in one application.

    ``status`` is ``ok`` or ``unknown``: a source that could not answer is unknown,
    never "nothing" — the application then goes to a caseworker.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="register_data"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=[("ok", "svar"), ("unknown", "okänt")])
    records = models.JSONField(default=list)
    reason = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    purpose = models.CharField(max_length=200)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "registeruppgift"
        verbose_name_plural = "registeruppgifter"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "person", "source"], name="one_answer_per_source"
            )
        ]
        # /metrics counts the last minutes' answers per source (bistand/ops/metrics.py).
        indexes = [models.Index(fields=["fetched_at"], name="register_fetch_fetched_at")]

    def __str__(self) -> str:
        return f"{self.source}: {self.status}"


class RobotFailure(models.Model):
    """A run of the robot that did not finish: what failed, where, and what came of it.

    The technical detail for whoever mends it; never a personnummer (``handover.scrub``).
    Counted per round to bound the retries (``handover.attempts_in_round``).
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="robot_failures"
    )
    at = models.DateTimeField(default=timezone.now)
    worker = models.CharField(max_length=120, blank=True)
    stage = models.CharField(max_length=20)
    kind = models.CharField(
        max_length=20,
        choices=[
            ("missing_parameter", "belopp saknas för månaden"),
            ("calculation", "beräkningsfel"),
            ("configuration", "felinställning"),
            ("unexpected", "oväntat fel"),
            ("interrupted", "avbruten körning"),
        ],
    )
    detail = models.CharField(max_length=500)
    where = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "robotfel"
        verbose_name_plural = "robotfel"
        indexes = [models.Index(fields=["application", "at"], name="robot_failure_app_at")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.stage})"
