"""Prometheus metrics (prometheus-client): what the web processes counted and what the
database says at scrape time.

Two kinds:

* **Counted in the web process** by ``bistand.core.middleware.RequestMetricsMiddleware``:
  requests by view (the URL's name, never its path, which may hold ids) and status, and
  their latency as a histogram. Under gunicorn each worker process counts its own; with
  ``PROMETHEUS_MULTIPROC_DIR`` set (before the server starts: prometheus-client reads it at
  import) every process writes to files there and any process's ``/metrics`` sums them all
  (``MultiProcessCollector``). Without it (``runserver``, one process) the process's own
  registry is shown.
* **Computed from the database at scrape time** by ``DatabaseCollector``: queue depth by
  state, the oldest application waiting for the robot and for a caseworker, robot outcomes
  and failures, register sources that could not answer, letters and payments pending, worker
  heartbeats. Each is one cheap aggregate query; they are the same whichever process answers,
  so in a dashboard take ``max`` over instances, not ``sum``.

No label ever carries a personnummer, a name or an id of a case: views are URL names,
states and outcomes are codes, workers are ``host:pid``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

#: The goal: an application has its decision within 24 hours of coming in (docs/workspace.md).
GOAL_SECONDS = 24 * 3600

# No "_created" series beside every counter and histogram: Prometheus does not need them.
disable_created_metrics()

REQUESTS = Counter(
    "bistand_http_requests",
    "HTTP requests answered, by view (URL name), method and status code.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "bistand_http_request_duration_seconds",
    "Time to answer an HTTP request, by view (URL name).",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

#: The states an application waits for the robot in, and for a caseworker in.
WAITING_FOR_ROBOT = ("submitted", "robot_processing")
WAITING_FOR_CASEWORKER = ("proposal_ready",)


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(view=view, method=method, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


def multiprocess_mode() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def exposition() -> tuple[bytes, str]:
    """The text for one scrape, and its content type."""
    registry = CollectorRegistry()  # collect() runs once, at generate_latest
    if multiprocess_mode():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessRegistry())
    registry.register(DatabaseCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _ProcessRegistry(Collector):
    """This process's own metrics (requests, and prometheus-client's process and Python ones)."""

    def collect(self):
        yield from REGISTRY.collect()


class DatabaseCollector(Collector):
    """Gauges read from the database when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily(
            "bistand_database_up", "1 if the database answered the metrics' queries, else 0."
        )
        try:
            families = list(self._families())
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self) -> Iterator[GaugeMetricFamily]:
        from bistand.cases.models import Application, State, Transition
        from bistand.connectors.registry import SOURCES
        from bistand.decisions.models import Decision
        from bistand.payments.models import PaymentOrder
        from bistand.robot.models import RegisterFetch, RobotFailure

        from .models import WorkerHeartbeat

        now = timezone.now()
        window_minutes = float(settings.METRICS_WINDOW_MINUTES)
        since = now - timedelta(minutes=window_minutes)

        by_state = dict(
            Application.objects.order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        depth = GaugeMetricFamily(
            "bistand_applications", "Applications by state (queue depth).", labels=["state"]
        )
        for state in State.values:
            depth.add_metric([state], by_state.get(state, 0))
        yield depth

        oldest = GaugeMetricFamily(
            "bistand_oldest_waiting_seconds",
            "Age (since it came in) of the oldest application waiting for the robot or for a "
            "caseworker; 0 when none waits.",
            labels=["waiting_for"],
        )
        over = GaugeMetricFamily(
            "bistand_applications_over_goal",
            "Applications waiting longer than the 24-hour goal since they came in.",
            labels=["waiting_for"],
        )
        for waiting_for, states in (
            ("robot", WAITING_FOR_ROBOT),
            ("caseworker", WAITING_FOR_CASEWORKER),
        ):
            waiting = Application.objects.filter(state__in=states, submitted_at__isnull=False)
            first = waiting.aggregate(first=Min("submitted_at"))["first"]
            oldest.add_metric([waiting_for], (now - first).total_seconds() if first else 0.0)
            late = waiting.filter(submitted_at__lt=now - timedelta(seconds=GOAL_SECONDS)).count()
            over.add_metric([waiting_for], late)
        yield oldest
        yield over
        goal = GaugeMetricFamily(
            "bistand_waiting_goal_seconds", "The goal: a decision within this long (24 hours)."
        )
        goal.add_metric([], GOAL_SECONDS)
        yield goal

        outcomes = GaugeMetricFamily(
            "bistand_robot_outcomes_per_minute",
            "Applications the robot finished per minute over the last METRICS_WINDOW_MINUTES, "
            "by the state it left them in.",
            labels=["outcome"],
        )
        finished = dict(
            Transition.objects.filter(from_state=State.ROBOT_PROCESSING, at__gte=since)
            .order_by()
            .values_list("to_state")
            .annotate(n=Count("pk"))
            .values_list("to_state", "n")
        )
        for to_state in State.values:  # every state, 0 included: "none" is a value to alert on
            if to_state != State.ROBOT_PROCESSING:
                outcomes.add_metric([to_state], finished.get(to_state, 0) / window_minutes)
        yield outcomes

        failures = GaugeMetricFamily(
            "bistand_robot_failures_per_minute",
            "Robot runs that did not finish, per minute over the last METRICS_WINDOW_MINUTES, "
            "by kind.",
            labels=["kind"],
        )
        found = dict(
            RobotFailure.objects.filter(at__gte=since)
            .order_by()
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
        for kind, _label in RobotFailure._meta.get_field("kind").choices:
            failures.add_metric([kind], found.get(kind, 0) / window_minutes)
        yield failures

        unknown = GaugeMetricFamily(
            "bistand_register_unknown_per_minute",
            "Register answers that were unknown (the source could not answer), per minute over "
            "the last METRICS_WINDOW_MINUTES, by source.",
            labels=["source"],
        )
        answered = GaugeMetricFamily(
            "bistand_register_answers_per_minute",
            "Register answers stored, per minute over the last METRICS_WINDOW_MINUTES, by source.",
            labels=["source"],
        )
        rows = (
            RegisterFetch.objects.filter(fetched_at__gte=since)
            .order_by()
            .values_list("source", "status")
            .annotate(n=Count("pk"))
            .values_list("source", "status", "n")
        )
        totals: dict[str, int] = {}
        unknowns: dict[str, int] = {}
        for source, status, n in rows:
            totals[source] = totals.get(source, 0) + n
            if status != "ok":
                unknowns[source] = unknowns.get(source, 0) + n
        for source in sorted(set(SOURCES) | set(totals)):
            answered.add_metric([source], totals.get(source, 0) / window_minutes)
            unknown.add_metric([source], unknowns.get(source, 0) / window_minutes)
        yield unknown
        yield answered

        letters = GaugeMetricFamily(
            "bistand_letters_pending",
            "Automated decisions whose decision letter is not archived yet (the letter task "
            "waits, or failed; a caseworker's decision archives its letter at once).",
        )
        # As the worker's recovery sweep counts them (robot/recovery.py): imported history and
        # caseworkers' decisions are not waiting for the letter task.
        waiting_letters = Decision.objects.filter(letter__isnull=True).exclude(
            automated_function=""
        )
        letters.add_metric([], waiting_letters.count())
        yield letters
        payments = GaugeMetricFamily(
            "bistand_payments_pending", "Payment orders not yet sent to the bank."
        )
        payments.add_metric([], PaymentOrder.objects.filter(status="pending").count())
        yield payments

        beats = GaugeMetricFamily(
            "bistand_worker_heartbeat_age_seconds",
            "Seconds since each robot worker's last heartbeat.",
            labels=["worker"],
        )
        limit = float(settings.ROBOT_HEARTBEAT_LIMIT_SECONDS)
        alive = 0
        for worker, last_beat in WorkerHeartbeat.objects.values_list("worker", "last_beat"):
            age = max(0.0, (now - last_beat).total_seconds())
            alive += age <= limit
            beats.add_metric([worker], age)
        yield beats
        workers = GaugeMetricFamily(
            "bistand_robot_workers_alive",
            "Robot workers whose heartbeat is within ROBOT_HEARTBEAT_LIMIT_SECONDS.",
        )
        workers.add_metric([], alive)
        yield workers
        limit_family = GaugeMetricFamily(
            "bistand_worker_heartbeat_limit_seconds",
            "A heartbeat older than this counts as a stopped worker.",
        )
        limit_family.add_metric([], limit)
        yield limit_family
