"""/health/live and /health/ready as a load balancer sees them, and the worker's heartbeat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django_tasks.signals import task_finished

from bistand.ops.heartbeat import Heartbeat
from bistand.ops.models import WorkerHeartbeat

from .processes import child_database_url

pytestmark = pytest.mark.django_db

#: Nothing listens here: a connection is refused at once.
CLOSED_PORT_URL = "http://127.0.0.1:9"


def beating(worker="web-1:4242", seconds_ago=1):
    return WorkerHeartbeat.objects.create(
        worker=worker,
        host="web-1",
        pid=4242,
        last_beat=timezone.now() - timedelta(seconds=seconds_ago),
    )


def ready(client):
    response = client.get("/health/ready")
    return response.status_code, response.json()


def test_live_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_is_ok_when_everything_answers(client, register_simulator, eid):
    beating()
    status, body = ready(client)
    assert status == 200
    assert body["status"] == "ok", body
    assert {name: c["status"] for name, c in body["components"].items()} == {
        "database": "ok",
        "robot_worker": "ok",
        "register_gateway": "ok",
        "eid_issuer": "ok",
    }


def test_a_stale_worker_heartbeat_is_degraded_not_down(client, register_simulator, settings):
    settings.ROBOT_HEARTBEAT_LIMIT_SECONDS = 120
    beating(seconds_ago=600)
    status, body = ready(client)
    assert status == 200  # the pages still serve
    assert body["status"] == "degraded"
    worker = body["components"]["robot_worker"]
    assert worker["status"] == "degraded"
    assert "600 s" in worker["reason"] and "120 s" in worker["reason"]


def test_no_worker_ever_started_is_degraded(client, register_simulator):
    status, body = ready(client)
    assert status == 200
    assert body["components"]["robot_worker"] == {
        "status": "degraded",
        "reason": "ingen robotarbetare har startat",
    }


def test_an_unreachable_register_gateway_is_degraded(client, settings):
    beating()
    settings.REGISTER_GATEWAY = "simulator"
    settings.REGISTER_SIMULATOR_URL = CLOSED_PORT_URL
    status, body = ready(client)
    assert status == 200
    assert body["status"] == "degraded"
    gateway = body["components"]["register_gateway"]
    assert gateway["status"] == "degraded"
    assert "går inte att nå" in gateway["reason"]
    assert CLOSED_PORT_URL not in str(body)  # addresses stay in the settings, not the answer


def test_an_unconnected_ssbtek_gateway_is_degraded(client, settings):
    settings.REGISTER_GATEWAY = "ssbtek"
    settings.SSBTEK_ENDPOINT = None
    _status, body = ready(client)
    assert body["components"]["register_gateway"]["status"] == "degraded"
    assert "SSBTEK" in body["components"]["register_gateway"]["reason"]


def test_an_unconfigured_or_unreachable_eid_issuer_is_degraded(client, settings):
    settings.EID_OIDC_ISSUER = ""
    _status, body = ready(client)
    assert body["components"]["eid_issuer"]["status"] == "degraded"
    settings.EID_OIDC_ISSUER = CLOSED_PORT_URL
    settings.EID_OIDC_CLIENT_ID = "bistand"
    _status, body = ready(client)
    assert body["components"]["eid_issuer"]["status"] == "degraded"
    assert "går inte att nå" in body["components"]["eid_issuer"]["reason"]


def test_an_unmigrated_database_is_503(client, register_simulator):
    beating()
    MigrationRecorder.Migration.objects.filter(app="ops", name="0001_initial").delete()
    status, body = ready(client)
    assert status == 503
    assert body["status"] == "down"
    assert body["components"]["database"]["status"] == "down"
    assert "1 migreringar saknas" in body["components"]["database"]["reason"]


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    from django.db import OperationalError

    from bistand.ops import services

    class Refusing:
        def __enter__(self):
            raise OperationalError("connection refused: postgres://secret@db")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(services.connection, "cursor", lambda: Refusing())
    status, body = ready(client)
    assert status == 503
    assert body["components"]["database"] == {
        "status": "down",
        "reason": "databasen svarar inte (OperationalError)",
    }
    assert "secret" not in str(body)


# --- the worker's heartbeat --------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_worker_beats_at_most_once_per_interval_and_removes_its_row_on_stop(settings):
    settings.ROBOT_HEARTBEAT_SECONDS = 10
    clock = Clock()
    heartbeat = Heartbeat("robot-1:77", clock=clock)
    row = WorkerHeartbeat.objects.get(worker="robot-1:77")
    first = row.last_beat

    clock.now += 5
    heartbeat.beat()
    assert WorkerHeartbeat.objects.get(worker="robot-1:77").last_beat == first

    clock.now += 6
    heartbeat.beat()
    assert WorkerHeartbeat.objects.get(worker="robot-1:77").last_beat > first

    heartbeat.stop()
    assert not WorkerHeartbeat.objects.filter(worker="robot-1:77").exists()


def test_a_worker_beats_after_each_task_it_finishes(settings):
    settings.ROBOT_HEARTBEAT_SECONDS = 0
    heartbeat = Heartbeat("robot-2:78")
    WorkerHeartbeat.objects.filter(worker="robot-2:78").update(
        last_beat=timezone.now() - timedelta(hours=1)
    )
    task_finished.send_robust(sender=object, task_result=None)
    age = timezone.now() - WorkerHeartbeat.objects.get(worker="robot-2:78").last_beat
    assert age < timedelta(minutes=1)
    heartbeat.stop()
    task_finished.send_robust(sender=object, task_result=None)  # no longer listening
    assert not WorkerHeartbeat.objects.filter(worker="robot-2:78").exists()


def test_a_worker_forgets_heartbeats_older_than_a_day():
    beating(worker="gone:1", seconds_ago=2 * 24 * 3600)
    beating(worker="recent:2", seconds_ago=3600)
    Heartbeat("robot-3:79").stop()
    assert set(WorkerHeartbeat.objects.values_list("worker", flat=True)) == {"recent:2"}


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_process_beats_and_removes_its_row_when_stopped(register_simulator):
    env = {
        **os.environ,
        "DATABASE_URL": child_database_url(),
        "BISTAND_REGISTER_SIMULATOR_URL": register_simulator.url,
        "BISTAND_LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "bistand.cli", "worker", "--interval", "0.05"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stderr.read().decode()
            time.sleep(0.05)
        row = WorkerHeartbeat.objects.get()
        assert row.pid == worker.pid
        assert row.worker.endswith(f":{worker.pid}")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    assert not WorkerHeartbeat.objects.exists()
