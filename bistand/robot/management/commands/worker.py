"""``bistand worker``: runs the robot's queue (django-tasks database backend)."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Worker

from bistand.af_exchange.tasks import poll_periodically as poll_af_exchange
from bistand.core.uploads import remove_stale_uploads
from bistand.eservice import services as cosignatures
from bistand.followup.tasks import refresh_periodically
from bistand.ops.heartbeat import Heartbeat
from bistand.outcomes.tasks import propose_closures_daily
from bistand.parameters.services import log_warnings_daily
from bistand.robot import handover, recovery, tasks
from bistand.robot.pipeline import worker_id

log = logging.getLogger(__name__)

#: How often the worker reminds partners who have not signed and withdraws expired ones, and
#: removes the temporary files of uploads whose request died (bistand/core/uploads.py).
HOUSEKEEPING_SECONDS = 300


def drain(worker: Worker, *, robot_only: bool = False) -> None:
    """Run what is queued until nothing is ready: the robot's applications in batches
    (``tasks.run_batch``), everything else (decision letters) one task at a time, the
    applications first, as their priority says. ``robot_only``: only the applications."""
    worker.max_tasks = 1
    while worker.running:
        if tasks.run_batch(worker.worker_id):
            continue
        if robot_only:
            return
        worker._run_tasks = 0  # the library's counter for max_tasks
        worker.run()  # batch mode, max_tasks 1: one task, or returns if none is ready
        if worker._run_tasks == 0:
            return


class Command(BaseCommand):
    help = (
        "Kör robotens kö. Utan flaggor körs den tills den stoppas (Ctrl-C/SIGTERM avslutar efter "
        "pågående ansökan); --until-idle stoppar när inget återstår."
    )

    def add_arguments(self, parser):
        parser.add_argument("--until-idle", action="store_true", help="stoppa när kön är tom")
        parser.add_argument(
            "--interval", type=float, default=0.5, help="sekunder mellan tomma varv"
        )
        parser.add_argument(
            "--robot-only",
            action="store_true",
            help="bara robotens ansökningar, inte beslutsbreven (t.ex. för `bench robot`; "
            "breven väntar på en vanlig arbetare)",
        )

    def handle(self, *args, **options):
        until_idle = options["until_idle"]
        worker = Worker(
            queue_names=["default"],
            interval=options["interval"],
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id(),
            excluded_queue_names=[],
        )
        if not until_idle:
            worker.configure_signals()
        requeued_here: set[int] = set()
        housekeeping_at = 0.0
        heartbeat = Heartbeat(worker.worker_id)  # also beats after each task (/health/ready)
        while True:
            heartbeat.beat()
            requeued = recovery.requeue_stalled(requeued_here)
            if requeued:
                self.stdout.write(f"köar om {requeued} ansökningar som kön hade tappat")
            if time.monotonic() - housekeeping_at >= HOUSEKEEPING_SECONDS:
                housekeeping_at = time.monotonic()
                done = cosignatures.remind_and_expire()
                if any(done.values()):
                    self.stdout.write(
                        f"medsökande: {done['reminded']} påminda, {done['expired']} ansökningar "
                        "återkallade (ingen underskrift i tid)"
                    )
                again = handover.requeue_where_parameters_exist()
                if again:
                    self.stdout.write(
                        f"beräknar {again} ansökningar igen: beloppen för månaden är inlagda"
                    )
                stale = remove_stale_uploads()
                if stale:
                    self.stdout.write(f"tog bort {len(stale)} överblivna uppladdningsfiler")
                log_warnings_daily()  # e.g. next year's riksnorm not entered (once a day)
                try:
                    proposed = propose_closures_daily()  # households that stopped applying
                except Exception:  # the robot's queue matters more: log, go on
                    log.exception("förslag om avslut misslyckades; försöker igen senare")
                    proposed = []
                if proposed:
                    self.stdout.write(f"{len(proposed)} nya förslag om avslut")
                refresh_periodically()  # the follow-up's monthly figures (hourly, daily)
                poll_af_exchange()  # Arbetsförmedlingen's notices, and sends whose task was lost
            drain(worker, robot_only=options["robot_only"])  # returns when nothing is ready
            if not worker.running:
                break
            if until_idle and not requeued and not recovery.ready_tasks(options["robot_only"]):
                break
            if not until_idle:
                time.sleep(options["interval"])
        heartbeat.stop()
        self.stdout.write("kön är tom" if until_idle else "stoppad")
