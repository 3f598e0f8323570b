"""``bistand bench robot``: the robot end to end, against the simulator over HTTP.

Everything runs in separate processes, as in production: a register simulator
on a free loopback port, ``bistand seed`` (not timed), then one or more
``bistand worker --until-idle`` processes. The figure is applications per
second over the processing window: from the first task started to the last task
finished, read from the task table, so process start-up is not counted (the
wall time including start-up is printed too).

The benchmark never touches the developer's database: on SQLite it uses a fresh
file under ``var/bench/``; on PostgreSQL (``DATABASE_URL``) it creates a
database of its own on the same server and drops it afterwards.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings


@dataclass
class RobotBench:
    applications: int
    workers: int
    database: str
    seconds: float
    wall_seconds: float
    per_second: float
    decided: int
    to_caseworker: int
    cpu_ms_per_application: float = 0.0  # the workers' CPU time (with start-up), per application


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bistand(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    command = [sys.executable, "-m", "bistand.cli", *args]
    return subprocess.Popen(command, env=env, **kwargs)  # noqa: S603 - our own command


def _check(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "bistand.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bistand {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


@contextmanager
def bench_database():
    """A database of the benchmark's own; yields its DATABASE_URL."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"bistand_bench_{os.getpid()}"
        parts = urlsplit(configured)
        admin = urlunsplit(parts._replace(scheme="postgresql"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(parts._replace(path=f"/{name}")), "PostgreSQL"
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        directory = Path(settings.VAR_DIR) / "bench"
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=directory) as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3", "SQLite"


def child_database():
    """In the child ``run_in_child`` started: Django set up and the fresh database migrated.
    Returns the child's ``log`` (a line to the parent, at once)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bistand.settings")
    import django

    django.setup()
    from django.core.management import call_command

    def log(text: str) -> None:
        print(text, flush=True)

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    return log


def run_in_child(module: str, args: list[str], *, what: str, log=print) -> tuple[str, dict]:
    """Run ``python -m module args`` against a fresh database of its own (``bench_database``)
    with DEBUG off, pass its output lines to ``log``, and return the database's kind and the
    JSON on the child's ``RESULT `` line. Raises ``RuntimeError`` if the child fails."""
    with bench_database() as (database_url, database):
        env = {**os.environ, "DATABASE_URL": database_url, "BISTAND_LOG_LEVEL": "WARNING"}
        env.pop("BISTAND_DEBUG", None)  # measured as in production: DEBUG off
        log(f"{database}: a fresh database, {what}")
        child = subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", module, *args], env=env, stdout=subprocess.PIPE, text=True
        )
        result = None
        for line in child.stdout or ():
            if line.startswith("RESULT "):
                result = json.loads(line[len("RESULT ") :])
            else:
                log(line.rstrip())
        if child.wait() != 0 or result is None:
            raise RuntimeError(f"the benchmark's child process failed (exit {child.returncode})")
    return database, result


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/health", timeout=1, trust_env=False).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"the register simulator did not start at {url}")


def run(
    applications: int, *, workers: int = 1, month: str = "2025-04", seed: int = 1, log=print
) -> RobotBench:
    with bench_database() as (database_url, database):
        port = _free_port()
        simulator_url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "BISTAND_REGISTER_SIMULATOR_URL": simulator_url,
            "BISTAND_LOG_LEVEL": "WARNING",
        }
        simulator = _bistand(
            "simulator",
            "--port",
            str(port),
            "--seed",
            str(seed),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(simulator_url)
            log(f"{database}: migrating a fresh database")
            _check("migrate", "--noinput", env=env)
            log(f"seeding {applications} applications for {month} (not timed)")
            _check(
                "seed",
                "--households",
                str(applications),
                "--month",
                month,
                "--seed",
                str(seed),
                "--policy",
                "automated",
                env=env,
            )
            log(f"running {workers} worker(s) until the queue is empty")
            started = time.perf_counter()
            files = ExitStack()
            logs = [files.enter_context(tempfile.TemporaryFile()) for _ in range(workers)]  # noqa: SIM115 - closed by the ExitStack
            procs = [
                _bistand(
                    "worker",
                    "--until-idle",
                    "--robot-only",  # the decision letters (PDF) are not the robot's time
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                )
                for err in logs
            ]
            cpu = 0.0
            for proc, err in zip(procs, logs, strict=True):
                # wait4: the worker's own CPU time, a figure the machine's other load hardly
                # changes (the wall-clock figure it does).
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
                cpu += usage.ru_utime + usage.ru_stime
                if proc.returncode != 0:
                    err.seek(0)
                    raise RuntimeError(f"a worker failed:\n{err.read().decode()}")
            wall = time.perf_counter() - started
            files.close()
            window, decided, manual = _measure(env, month)
        finally:
            simulator.terminate()
            simulator.wait(timeout=10)
    return RobotBench(
        applications=applications,
        workers=workers,
        database=database,
        seconds=window,
        wall_seconds=wall,
        per_second=applications / window if window else 0.0,
        decided=decided,
        to_caseworker=manual,
        cpu_ms_per_application=cpu * 1000 / applications,
    )


_MEASURE = """
import json
from django.db.models import Max, Min
from django_tasks_db.models import DBTaskResult
from bistand.cases.models import Application
done = DBTaskResult.objects.filter(status="SUCCESSFUL", task_path=TASK)
span = done.aggregate(a=Min("started_at"), b=Max("finished_at"))
apps = Application.objects.filter(month=MONTH)
left = apps.filter(state__in=["submitted", "robot_processing"]).count()
print(json.dumps({"seconds": (span["b"] - span["a"]).total_seconds(),
                  "decided": apps.filter(state="decided").count(),
                  "proposal": apps.filter(state="proposal_ready").count(), "left": left}))
"""


def _measure(env: dict[str, str], month: str) -> tuple[float, int, int]:
    import json

    done = subprocess.run(  # noqa: S603 - our own command
        [
            sys.executable,
            "-m",
            "bistand.cli",
            "shell",
            "-c",
            _MEASURE.replace("MONTH", repr(month)).replace(
                "TASK", repr("bistand.robot.tasks.process_application")
            ),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["left"]:
        raise RuntimeError(f"{figures['left']} applications were left unprocessed")
    return figures["seconds"], figures["decided"], figures["proposal"]
