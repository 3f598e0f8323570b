"""The robot worker's heartbeat: a row that says "this worker process is alive and looping".

``bistand worker`` makes one ``Heartbeat`` and calls ``beat()`` on every turn of its loop; the
heartbeat also beats after every task the worker finishes (django-tasks' ``task_finished``
signal), so a long batch of applications keeps it fresh. A beat writes at most once every
``ROBOT_HEARTBEAT_SECONDS``. A worker that stops cleanly removes its row; one that dies leaves
it to age, which ``/health/ready`` and the metric ``bistand_worker_heartbeat_age_seconds``
show. Rows older than a day are forgotten when a worker starts.

A failed write is logged and otherwise ignored: the heartbeat never stops the robot.
"""

from __future__ import annotations

import atexit
import logging
import os
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django_tasks.signals import task_finished

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

#: A row whose worker has not beaten for this long is removed when another worker starts.
FORGET_AFTER = timedelta(days=1)


class Heartbeat:
    def __init__(self, worker_id: str, *, clock=time.monotonic) -> None:
        self.worker_id = worker_id[:120]
        self._clock = clock
        self._written_at: float | None = None
        self._safely(self._start)
        task_finished.connect(self._after_task, dispatch_uid=f"ops-heartbeat-{self.worker_id}")
        # django-tasks' worker leaves by sys.exit() on SIGTERM when it is between tasks.
        atexit.register(self.stop)

    def beat(self) -> None:
        """Write the beat unless one was written within ``ROBOT_HEARTBEAT_SECONDS``."""
        now = self._clock()
        if self._written_at is not None and now - self._written_at < _interval():
            return
        self._written_at = now
        self._safely(self._write)

    def stop(self) -> None:
        atexit.unregister(self.stop)
        task_finished.disconnect(dispatch_uid=f"ops-heartbeat-{self.worker_id}")
        self._safely(lambda: WorkerHeartbeat.objects.filter(worker=self.worker_id).delete())

    # --- internals ---------------------------------------------------------------------------

    def _after_task(self, sender=None, **kwargs) -> None:
        self.beat()

    def _start(self) -> None:
        WorkerHeartbeat.objects.filter(last_beat__lt=timezone.now() - FORGET_AFTER).delete()
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker=self.worker_id,
            defaults={
                "host": socket.gethostname()[:100],
                "pid": os.getpid(),
                "started_at": now,
                "last_beat": now,
            },
        )
        self._written_at = self._clock()

    def _write(self) -> None:
        updated = WorkerHeartbeat.objects.filter(worker=self.worker_id).update(
            last_beat=timezone.now()
        )
        if not updated:  # removed by someone (an operator, a test): begin again
            self._start()

    def _safely(self, action) -> None:
        try:
            action()
        except DatabaseError as exc:
            logger.warning("heartbeat not written: %s", type(exc).__name__)


def _interval() -> float:
    return float(settings.ROBOT_HEARTBEAT_SECONDS)
