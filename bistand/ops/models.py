"""The robot workers' heartbeats: one row per running worker process.

Only technical facts: the worker's id (host and process id), when it started and when it last
beat. Nothing about applications or persons.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    worker = models.CharField("arbetare", max_length=120, unique=True)
    host = models.CharField("värd", max_length=100)
    pid = models.PositiveIntegerField("process-id")
    started_at = models.DateTimeField("startad", default=timezone.now)
    last_beat = models.DateTimeField("senaste livstecken", default=timezone.now)

    class Meta:
        verbose_name = "robotarbetarens livstecken"
        verbose_name_plural = "robotarbetarnas livstecken"

    def __str__(self) -> str:
        return self.worker
