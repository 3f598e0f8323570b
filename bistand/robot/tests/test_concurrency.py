"""Workers racing and workers killed: no application lost, nothing decided or paid twice.

These tests commit for real (transactional), use threads with their own database
connections and, for the kill test, real worker processes killed with SIGKILL.
They run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import pytest
from django.db import connection, connections

from bistand.audit.services import verify_chain
from bistand.cases import seeding
from bistand.cases.models import Application, State
from bistand.decisions.models import Decision, Proposal
from bistand.followup.services import duplicates
from bistand.payments.models import PaymentOrder
from bistand.robot import pipeline
from bistand.rules.period import Month

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target, *args):
    """Run ``target`` in a thread with its own connection; return a callable giving its result."""
    box: dict = {}

    def run():
        try:
            box["result"] = target(*args)
        except BaseException as exc:
            box["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()

    def result():
        thread.join(timeout=60)
        if "error" in box:
            raise box["error"]
        return box.get("result")

    return result


def counts(application_id: int) -> tuple[int, int, int]:
    return (
        Proposal.objects.filter(application_id=application_id).count(),
        Decision.objects.filter(application_id=application_id).count(),
        PaymentOrder.objects.filter(application_id=application_id).count(),
    )


def test_two_workers_racing_for_one_application(world):
    application = world.submit()
    start = threading.Barrier(2)

    def work():
        start.wait(timeout=10)
        return pipeline.process(application.pk)

    first, second = in_thread(work), in_thread(work)
    outcomes = sorted([first(), second()])
    assert outcomes == ["decided", "skipped"]
    assert counts(application.pk) == (1, 1, 1)
    assert verify_chain().ok


def test_a_slow_worker_whose_lease_ran_out_loses_to_the_one_that_took_over(world, monkeypatch):
    """Worker A stalls after fetching; its lease runs out; B takes over and finishes; A wakes up
    and tries to write its proposal: the database keeps only B's."""
    application = world.submit()
    a_fetched, b_done = threading.Event(), threading.Event()
    real_route = pipeline.decisions.route

    def slow_route(*args, **kwargs):  # the last step before the writing transaction
        if threading.current_thread().name == "worker-a":
            a_fetched.set()
            assert b_done.wait(timeout=30)
        return real_route(*args, **kwargs)

    monkeypatch.setattr(pipeline.decisions, "route", slow_route)
    box: dict = {}

    def worker_a():
        try:
            box["a"] = pipeline.process(application.pk)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker_a, name="worker-a")
    thread.start()
    assert a_fetched.wait(timeout=30)
    Application.objects.filter(pk=application.pk).update(robot_lease_until=application.created_at)
    b = in_thread(pipeline.process, application.pk)
    assert b() == "decided"
    b_done.set()
    thread.join(timeout=30)
    assert box["a"] == "lost-race"
    assert counts(application.pk) == (1, 1, 1)
    assert Application.objects.get(pk=application.pk).state == State.DECIDED
    assert verify_chain().ok


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings.get("USER") or "postgres")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def start_worker(simulator_url: str, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "BISTAND_REGISTER_SIMULATOR_URL": simulator_url,
        "BISTAND_ROBOT_LEASE_SECONDS": "30",
        "BISTAND_LOG_LEVEL": "WARNING",
        # Small batches, so that a kill lands between batches as well as inside one.
        "BISTAND_ROBOT_BATCH_SIZE": "4",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bistand.cli", "worker", "--interval", "0.05", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def handled(month: str) -> int:
    return Application.objects.filter(
        month=month, state__in=[State.PROPOSAL_READY, State.DECIDED]
    ).count()


def needs_a_shared_database() -> None:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("mode=memory" in name or name == ":memory:"):
        pytest.skip("worker processes need a database file; `make test` gives the suite one")


def test_workers_killed_at_any_moment_lose_nothing_and_decide_nothing_twice(register_simulator):
    needs_a_shared_database()
    month = Month(2025, 4)
    seeding.seed(
        40,
        month,
        municipality=seeding.get_municipality(automated=True),
        simulator=register_simulator,
    )
    total = Application.objects.filter(month=str(month)).count()
    assert total == 40
    url = register_simulator.url
    kills = 0
    for target in (3, 12, 25):
        worker = start_worker(url)
        deadline = time.monotonic() + 60
        while (
            handled(str(month)) < target and time.monotonic() < deadline and worker.poll() is None
        ):
            time.sleep(0.005)
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
            kills += 1
        worker.wait(timeout=30)
    assert kills == 3, "the worker finished before it could be killed; the test proved nothing"
    # A fresh worker picks up everything, including what the killed ones held.
    final = start_worker(url, "--until-idle")
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()
    assert handled(str(month)) == total
    assert Application.objects.filter(month=str(month), state=State.ROBOT_PROCESSING).count() == 0
    assert duplicates(str(month)) == []
    for application_id in Application.objects.filter(month=str(month)).values_list("pk", flat=True):
        proposals, decisions, payments = counts(application_id)
        assert proposals == 1 and decisions <= 1 and payments <= decisions
    assert verify_chain().ok


def test_two_worker_processes_share_the_queue(register_simulator):
    if connection.vendor != "postgresql":
        pytest.skip("several workers at once is a PostgreSQL setup; SQLite serialises writers")
    month = Month(2025, 4)
    seeding.seed(
        30,
        month,
        municipality=seeding.get_municipality(automated=True),
        simulator=register_simulator,
    )
    workers = [start_worker(register_simulator.url, "--until-idle") for _ in range(2)]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    assert handled(str(month)) == 30
    assert duplicates(str(month)) == []
    assert verify_chain().ok
