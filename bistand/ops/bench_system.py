"""``bistand bench system``: the whole production stack on PostgreSQL, measured under load.

What runs, each in a process of its own as in production (deploy/systemd/):

* a database of the benchmark's own on the PostgreSQL server ``DATABASE_URL`` names
  (``bistand.robot.bench.bench_database``: created, migrated, dropped afterwards);
* the register simulator (``bistand simulator --port``) on a free loopback port;
* a set-up step (``python -m bistand.ops.bench_system --setup``, not timed): ``bistand seed``'s
  month (``bistand.cases.seeding.seed``, policy automated, so the robot both decides and
  proposes), the workspace benchmark's staff (``bistand.bench.world.make_world``: per unit
  eight caseworkers and a team lead) and the sessions the drivers use, **made directly in the
  database**: an applicant's as the e-ID login callback makes it (``session.log_in`` with an
  ``eid.Login``, through ``bistand.eservice.bench``), a caseworker's as Django's ``login`` does
  (``Client.force_login``). The benchmark measures the pages, not the e-ID broker or the staff
  OIDC provider;
* ``bistand serve --workers N`` (gunicorn + WhiteNoise, DEBUG off) and ``M`` ``bistand worker``
  processes: the commands of bistand-web.service and bistand-worker@.service.

The drivers (threads in this process, one ``httpx`` client each, no redirects followed so every
request is timed on its own) run for ``--seconds`` at a fixed concurrency ``--clients`` while
the robot works through the seeded month:

* applicants (half the clients, rounded up), each with a case seeded for the month: Mina sidor,
  the start page of an application, the choice of next month (POST, the real form with its
  CSRF token), then every step of the återansökan, each fetched and posted back with the
  answers the form shows (as a user who changes nothing and presses "Fortsätt"), and the review
  page (before the steps too: where a returning applicant lands once every step is done).
  **Signing is not driven**: it needs a fresh e-ID login (the broker's round trip, which
  is not part of this stack), and a benchmark that forged one would measure a path no citizen
  reaches without the broker. The applications the robot works on are the seeded ones, which
  ``bistand seed`` submits through the same ``submit_application`` signing ends in;
* caseworkers (the other half), each of one unit: the queue page ("Att besluta"), the case view
  of an application in it (chosen at random from the page, so caseworkers of a unit sometimes
  pick the same one) and "Godkänn förslaget och besluta" through the real POST. An approval that
  lost a race (someone else decided first) must end with a redirect or a 400/404/409, never a
  5xx.

After the window the drivers stop; the robot workers go on until the month is done (at most
``--drain-seconds``), then everything is stopped and the database is checked: every seeded
application past the robot, no application with two decisions, payment orders or proposals, no
state entered twice, the audit chain intact. Robot applications/s is read from the task table,
as ``bistand bench robot`` does: from the first task started to the last finished.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

#: Pages a client's requests are counted under, in the order the report lists them.
APPLICANT_PAGES = [
    "mina sidor",
    "ansök (start)",
    "ansök (välj månad, POST)",
    "steg (GET)",
    "steg (POST)",
    "granska",
]
CASEWORKER_PAGES = ["kö (att besluta)", "ärendevy", "godkänn (POST)"]
APPROVE = "godkänn (POST)"
#: An approval that lost a race may also be refused on the form (400), or find the application
#: gone from the caseworker's view (404) or in conflict (409); any other answer is an error.
LOST_RACE = (400, 404, 409)
DRIVER = "(klientens eget fel)"  # an exception in a driver: counted as an error
TASK = "bistand.robot.tasks.process_application"
SQLITE_REFUSAL = (
    "bench system kräver PostgreSQL (DATABASE_URL=postgres://…): flera webbprocesser och "
    "robotarbetare skriver samtidigt, vilket SQLite inte klarar. "
    "bench system needs PostgreSQL: several web processes and robot workers write at once."
)


# --------------------------------------------------------------------------- results


@dataclass
class PageFigures:
    page: str
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    errors: int
    statuses: dict[str, int] = field(default_factory=dict)


@dataclass
class SystemBench:
    database: str
    web: int
    robot_workers: int
    clients: int
    applicants: int
    caseworkers: int
    seconds: float
    month: str
    seeded: int
    setup_seconds: float
    pages: list[PageFigures]
    errors: int
    error_examples: list[str]
    approvals_posted: int
    caseworker_decisions: int
    robot: dict[str, Any]
    checks: dict[str, Any]
    load: dict[str, list[float]] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return sum(p.requests for p in self.pages)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.checks["lost"] == 0 and self.checks["twice"] == 0


# --------------------------------------------------------------------------- HTML forms


class _Forms(HTMLParser):
    """The forms of a page with what a browser would send for each (no button pressed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._radios: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "method": a.get("method", "get"), "fields": []}
            )
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select, self._select_first, self._select_chosen = a["name"], None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields.append((a["name"], ""))

    def handle_data(self, data):
        if self._textarea and self.forms:
            name, value = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._select_chosen and self.forms:
                self.forms[-1]["fields"].append((self._select, self._select_first or ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_form(html: str, action_ends: str = "") -> dict[str, Any] | None:
    """The POST form whose action ends with ``action_ends`` ("" for one posting to its own
    page), as {"action", "fields"}; None when the page has none."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["method"].lower() != "post":
            continue
        if (action_ends and form["action"].endswith(action_ends)) or (
            not action_ends and form["action"] in ("", ".")
        ):
            return form
    return None


# --------------------------------------------------------------------------- the drivers


class Recorder:
    """Every timed request: (page, status, seconds); transport failures as status 0."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: list[tuple[str, int, float]] = []
        self.examples: list[str] = []

    def add(self, page: str, status: int, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.samples.append((page, status, seconds))
            if detail and len(self.examples) < 10:
                self.examples.append(f"{page}: {detail}")


class Stop(Exception):
    pass


class Driver:
    def __init__(self, base: str, cookie: str, recorder: Recorder, until: float, seed: int):
        self.client = httpx.Client(
            base_url=base,
            cookies={COOKIE[0]: cookie},
            follow_redirects=False,
            timeout=60,
            trust_env=False,
        )
        self.recorder = recorder
        self.until = until
        self.rng = random.Random(seed)  # noqa: S311 - which case to open, reproducible

    def request(
        self, page: str, method: str, url: str, data=None, expect=(200,), clean=()
    ) -> httpx.Response | None:
        """One timed request; an answer outside ``expect`` and ``clean`` (refusals that are
        correct, such as a lost race) is an error."""
        if time.monotonic() >= self.until:
            raise Stop
        if data is not None:
            fields: dict[str, list[str]] = {}
            for name, value in data:
                fields.setdefault(name, []).append(value)
            data = fields
        began = time.perf_counter()
        try:
            response = self.client.request(method, url, data=data)
        except httpx.HTTPError as exc:
            self.recorder.add(page, 0, time.perf_counter() - began, f"{type(exc).__name__}")
            return None
        seconds = time.perf_counter() - began
        status = response.status_code
        wrong = status not in expect and status not in clean
        self.recorder.add(page, status, seconds, f"{method} {status}" if wrong else "")
        return None if wrong else response

    def run(self) -> None:
        try:
            while time.monotonic() < self.until:
                try:
                    self.turn()
                except (Stop, KeyboardInterrupt):
                    raise
                except Exception as exc:  # a driver's own fault: counted, never hidden
                    self.recorder.add(DRIVER, 0, 0.0, f"{type(exc).__name__}: {exc}")
        except Stop:
            pass
        finally:
            self.client.close()

    def turn(self) -> None:
        raise NotImplementedError


def _csrf(form: dict[str, Any]) -> bool:
    return any(name == "csrfmiddlewaretoken" for name, _ in form["fields"])


class ApplicantDriver(Driver):
    """Mina sidor, then the application for next month, step by step, to the review page."""

    def __init__(self, *args, month: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.month = month

    def turn(self) -> None:
        self.request("mina sidor", "GET", "/mina-sidor/")
        start = self.request("ansök (start)", "GET", "/mina-sidor/ansok/")
        form = start and post_form(start.text)
        if not form or not _csrf(form):
            time.sleep(0.1)
            return
        fields = [(k, v) for k, v in form["fields"] if k != "month"] + [("month", self.month)]
        chosen = self.request(
            "ansök (välj månad, POST)", "POST", "/mina-sidor/ansok/", data=fields, expect=(302,)
        )
        found = chosen and re.search(r"/ansok/(\d+)/", chosen.headers.get("location", ""))
        if not found:
            time.sleep(0.1)
            return
        url = f"/mina-sidor/ansok/{found.group(1)}/"
        # The review page first: where a returning applicant lands once every step is done.
        self.request("granska", "GET", f"{url}granska/")
        following = f"{url}{STEPS[0]}/"
        while following.startswith(url) and not following.endswith("/granska/"):
            page = self.request("steg (GET)", "GET", following)
            form = page and post_form(page.text)
            if not form:
                return
            done = self.request(
                "steg (POST)", "POST", following, data=form["fields"], expect=(302,)
            )
            if not done:
                return
            following = done.headers.get("location", "")
        self.request("granska", "GET", f"{url}granska/")


class CaseworkerDriver(Driver):
    """The queue, a case view from it, and approving its proposal."""

    def turn(self) -> None:
        queue = self.request("kö (att besluta)", "GET", "/handlaggning/")
        if queue is None:
            return
        waiting = list(
            dict.fromkeys(re.findall(r'href="/handlaggning/ansokan/(\d+)/"', queue.text))
        )
        if not waiting:
            time.sleep(0.2)  # nothing to decide yet: the robot has not proposed anything
            return
        # One of the oldest five, as caseworkers take the oldest first: colleagues of a unit
        # sometimes pick the same one, and one of them must lose cleanly.
        pk = self.rng.choice(waiting[:5])
        view = self.request("ärendevy", "GET", f"/handlaggning/ansokan/{pk}/")
        form = view and post_form(view.text, f"/handlaggning/ansokan/{pk}/godkann/")
        if not form:
            return  # decided by someone else since the queue was read: no approve form
        # A redirect: decided, or "already handled" (a lost race) as a message; a 4xx: refused
        # on the form. Both are correct answers to a race; a 5xx never is.
        self.request(
            APPROVE,
            "POST",
            form["action"],
            data=form["fields"],
            expect=(302,),
            clean=LOST_RACE,
        )


STEPS: list[str] = []  # filled from the set-up's answer (the e-service's Step values)
COOKIE = ["sessionid"]  # the session cookie's name, from the set-up's answer


# --------------------------------------------------------------------------- processes


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its living children (Linux ``/proc``; 0 where
    there is no ``/proc`` or the process is gone). The web server's gunicorn workers are the
    master's children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, ValueError, IndexError):
        return 0.0
    return own + sum(_cpu_seconds(int(child)) for child in children)


def _python(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], env=env, **kwargs)  # noqa: S603 - our own


def _child_json(args: list[str], env: dict[str, str], log) -> dict[str, Any]:
    """Run ``python -m bistand.ops.bench_system args``; its lines to ``log``, its RESULT back."""
    child = _python(
        "-m", "bistand.ops.bench_system", *args, env=env, stdout=subprocess.PIPE, text=True
    )
    result = None
    for line in child.stdout or ():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
        else:
            log(line.rstrip())
    if child.wait() != 0 or result is None:
        raise RuntimeError(f"bench system: {args[0]} failed (exit {child.returncode})")
    return result


def _sql(database_url: str, query: str, params: tuple = ()) -> Any:
    """One value from the benchmark's database (a plain connection: this process's Django
    settings name another database)."""
    import psycopg

    url = database_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, params).fetchone()[0]


def _left(database_url: str, month: str) -> int:
    """Applications of the month the robot has not finished."""
    return _sql(
        database_url,
        "SELECT count(*) FROM cases_application WHERE month = %s AND state IN (%s, %s)",
        (month, "submitted", "robot_processing"),
    )


def _wait_robot(database_url: str, workers: list[subprocess.Popen], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(w.poll() is not None for w in workers):
            raise RuntimeError("a robot worker exited at start-up")
        started = _sql(
            database_url,
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = %s AND started_at IS NOT NULL",
            (TASK,),
        )
        if started:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the robot workers took no application within {seconds:.0f} s")


def _wait_http(url: str, process: subprocess.Popen, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited {process.returncode} before answering")
        try:
            if httpx.get(url, timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer at {url} within {seconds:.0f} s")


def _stop(process: subprocess.Popen, seconds: float = 60) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run(
    *,
    applications: int = 2000,
    web: int = 2,
    robot_workers: int = 1,
    clients: int = 8,
    seconds: float = 60,
    drain_seconds: float = 300,
    month: str | None = None,
    seed: int = 1,
    log=print,
) -> SystemBench:
    from django.conf import settings

    from bistand.robot.bench import _free_port, _wait_for, bench_database

    applicant_count = (clients + 1) // 2
    caseworker_count = clients - applicant_count
    load = {"before": _load()}
    with bench_database() as (database_url, database), tempfile.TemporaryDirectory() as tmp:
        sim_port, web_port = _free_port(), _free_port()
        simulator_url = f"http://127.0.0.1:{sim_port}"
        static = Path(settings.VAR_DIR) / "bench" / "static"  # collected once, kept between runs
        env = {k: v for k, v in os.environ.items() if k not in ("BISTAND_DEBUG", "BISTAND_HTTPS")}
        env.update(
            {
                "DATABASE_URL": database_url,
                "BISTAND_REGISTER_GATEWAY": "simulator",
                "BISTAND_REGISTER_SIMULATOR_URL": simulator_url,
                "BISTAND_LOG_LEVEL": "WARNING",
                "BISTAND_STATIC_ROOT": str(static),
            }
        )
        processes: list[subprocess.Popen] = []
        logs = Path(tmp)
        try:
            simulator = _python(
                "-m",
                "bistand.cli",
                "simulator",
                "--port",
                str(sim_port),
                "--seed",
                str(seed),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            processes.append(simulator)
            _wait_for(simulator_url)
            log(f"{database}: a fresh database; migrating, seeding {applications} applications")
            setup = _child_json(
                [
                    "--setup",
                    f"--applications={applications}",
                    f"--applicants={applicant_count}",
                    f"--caseworkers={caseworker_count}",
                    f"--seed={seed}",
                    *([f"--month={month}"] if month else []),
                ],
                env,
                log,
            )
            STEPS[:] = setup["steps"]
            COOKIE[:] = [setup["cookie"]]
            metrics = logs / "metrics"
            metrics.mkdir()
            web_log = (logs / "web.log").open("w")
            server = _python(
                "-m",
                "bistand.cli",
                "serve",
                "--workers",
                str(web),
                "--bind",
                f"127.0.0.1:{web_port}",
                env={**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
                stdout=web_log,
                stderr=subprocess.STDOUT,
            )
            processes.append(server)
            base = f"http://127.0.0.1:{web_port}"
            _wait_http(f"{base}/health/live", server, 180, "bistand serve")
            log(
                f"bistand serve --workers {web} and {robot_workers} bistand worker; "
                f"{clients} clients for {seconds:g} s"
            )
            worker_logs = [(logs / f"worker-{n}.log").open("w") for n in range(robot_workers)]
            for out in worker_logs:
                processes.append(
                    _python(
                        "-m",
                        "bistand.cli",
                        "worker",
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
            workers = processes[2:]
            # The load starts once the robot works (a worker's start-up is not part of it).
            _wait_robot(database_url, workers)
            started, started_at, cpu = time.monotonic(), time.time(), time.process_time()
            web_cpu, robot_cpu = _cpu_seconds(server.pid), sum(_cpu_seconds(w.pid) for w in workers)
            recorder = Recorder()
            until = started + seconds
            drivers: list[Driver] = [
                ApplicantDriver(base, key, recorder, until, seed + n, month=setup["next_month"])
                for n, key in enumerate(setup["applicants"])
            ] + [
                CaseworkerDriver(base, key, recorder, until, seed + 1000 + n)
                for n, key in enumerate(setup["caseworkers"])
            ]
            threads = [threading.Thread(target=d.run, daemon=True) for d in drivers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            window = time.monotonic() - started
            ended_at, driver_cpu = time.time(), time.process_time() - cpu
            web_cpu = _cpu_seconds(server.pid) - web_cpu
            robot_cpu = sum(_cpu_seconds(w.pid) for w in workers) - robot_cpu
            load["end of load"] = _load()
            left_at_end = _left(database_url, setup["month"])
            drain_until = time.monotonic() + drain_seconds
            left = left_at_end
            while left and time.monotonic() < drain_until:
                if all(w.poll() is not None for w in workers):
                    break
                time.sleep(1)
                left = _left(database_url, setup["month"])
            for worker in workers:
                _stop(worker)
            _stop(server)
            web_log.close()
            for out in worker_logs:
                out.close()
            checks = _child_json(
                [
                    "--check",
                    f"--month={setup['month']}",
                    f"--applications={applications}",
                    f"--load-from={started_at}",
                    f"--load-until={ended_at}",
                ],
                env,
                log,
            )
            checks["left_at_end_of_load"] = left_at_end
            checks["driver_cpu_seconds"] = driver_cpu
            checks["web_cpu_seconds"] = web_cpu
            checks["robot_cpu_seconds"] = robot_cpu
            checks["server_errors_logged"] = _errors_in((logs / "web.log").read_text())
            checks["worker_errors_logged"] = sum(
                _errors_in((logs / f"worker-{n}.log").read_text()) for n in range(robot_workers)
            )
        finally:
            for process in reversed(processes):
                _stop(process, 30)
    load["after"] = _load()
    return _result(
        recorder,
        database=database,
        web=web,
        robot_workers=robot_workers,
        clients=clients,
        applicants=applicant_count,
        caseworkers=caseworker_count,
        seconds=window,
        setup=setup,
        checks=checks,
        load=load,
    )


def _errors_in(text: str) -> int:
    """Lines of a process's log at ERROR or worse (the JSON log's level, or a traceback)."""
    count = 0
    for line in text.splitlines():
        if line.startswith("Traceback"):
            count += 1
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and str(entry.get("level", "")).lower() in ("error", "critical"):
            count += 1
    return count


def _result(recorder: Recorder, *, seconds: float, setup, checks, **kwargs) -> SystemBench:
    from bistand.bench.workspace import Timing

    pages = []
    errors = 0
    drivers_failed = any(p == DRIVER for p, _, _ in recorder.samples)
    for page in APPLICANT_PAGES + CASEWORKER_PAGES + ([DRIVER] if drivers_failed else []):
        samples = [(status, s) for p, status, s in recorder.samples if p == page]
        statuses: dict[str, int] = {}
        for status, _ in samples:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        if page == APPROVE:  # a lost race refused with a 4xx is correct, not an error
            bad = sum(
                1 for status, _ in samples if not (300 <= status < 400 or status in LOST_RACE)
            )
        else:
            bad = sum(1 for status, _ in samples if not 200 <= status < 400)
        errors += bad
        times = [s for _, s in samples] or [0.0]
        timing = Timing.of(times * 2 if len(times) == 1 else times)
        pages.append(
            PageFigures(
                page=page,
                requests=len(samples),
                per_second=len(samples) / seconds if seconds else 0.0,
                p50_ms=timing.p50_ms if samples else 0.0,
                p95_ms=timing.p95_ms if samples else 0.0,
                errors=bad,
                statuses=statuses,
            )
        )
    approvals = next(p for p in pages if p.page == APPROVE)
    return SystemBench(
        seconds=seconds,
        month=setup["month"],
        seeded=setup["seeded"],
        setup_seconds=setup["seconds"],
        pages=pages,
        errors=errors,
        error_examples=recorder.examples,
        approvals_posted=approvals.requests,
        caseworker_decisions=checks["caseworker_decisions"],
        robot=checks["robot"],
        checks=checks,
        **kwargs,
    )


# --------------------------------------------------------------------------- the report


def report(result: SystemBench) -> list[str]:
    """The lines ``bistand bench system`` prints; the last is the summary."""
    width = max(len(p.page) for p in result.pages)
    robot, checks = result.robot, result.checks
    lines = [
        f"{result.database}: {result.web} web processes (bistand serve), {result.robot_workers} "
        f"robot worker(s) (bistand worker), {result.clients} clients ({result.applicants} "
        f"applicants, {result.caseworkers} caseworkers) for {result.seconds:.0f} s; "
        f"{result.seeded} applications seeded for {result.month} "
        f"(set-up {result.setup_seconds:.0f} s, not timed)",
        "load average (1, 5, 15 min): "
        + "; ".join(f"{when} {' '.join(map(str, v))}" for when, v in result.load.items()),
        f"{'page':<{width}}  {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'errors':>6}",
    ]
    for p in result.pages:
        lines.append(
            f"{p.page:<{width}}  {p.requests:8d} {p.per_second:7.1f} {p.p50_ms:7.1f} "
            f"{p.p95_ms:7.1f} {p.errors:6d}"
        )
    lines.append(
        f"{'all pages':<{width}}  {result.requests:8d} {result.requests / result.seconds:7.1f}"
    )
    lines += [f"  error: {example}" for example in result.error_examples]
    refused = result.approvals_posted - result.caseworker_decisions
    lines.append(
        f"approvals: {result.approvals_posted} posted, {result.caseworker_decisions} decided by a "
        f"caseworker, {refused} refused cleanly (someone decided first); answers "
        + ", ".join(
            f"{k}: {v}"
            for k, v in sorted(next(p for p in result.pages if p.page == APPROVE).statuses.items())
        )
    )
    drained = (
        "drained during the load"
        if checks["left_at_end_of_load"] == 0
        else f"{checks['left_at_end_of_load']} left when the load ended, "
        + ("drained after it" if checks["left"] == 0 else f"{checks['left']} never processed")
    )
    lines.append(
        f"robot: {robot['during_load']} applications during the load, "
        f"{robot['during_load_per_second']:.1f}/s; the month: {robot['processed']} applications "
        f"in {robot['seconds']:.1f} s from the first task started to the last finished, "
        f"{robot['per_second']:.1f} applications/s ({robot['decided']} decided automatically, "
        f"{robot['proposals']} proposals to a caseworker, {robot['failed']} tasks failed); "
        f"queue {drained}"
    )
    if checks["route_reasons"]:
        lines.append(
            "  why a caseworker: "
            + ", ".join(f"{k} {v}" for k, v in sorted(checks["route_reasons"].items()))
        )
    lines.append(
        f"correctness: {checks['past_robot']} of {checks['seeded']} seeded applications past "
        f"the robot ({checks['lost']} lost); {checks['twice']} done twice "
        f"({checks['decided_twice']} with two decisions or payment orders, "
        f"{checks['entered_twice']} entering a state twice); "
        f"audit chain {'intact' if checks['audit_ok'] else 'BROKEN'}; "
        f"errors logged: web {checks['server_errors_logged']}, "
        f"robot {checks['worker_errors_logged']}"
    )
    web_cpu, robot_cpu = checks.get("web_cpu_seconds", 0.0), checks.get("robot_cpu_seconds", 0.0)
    lines.append(
        f"CPU time in the {result.seconds:.0f} s of load: web processes {web_cpu:.1f} s "
        f"({1000 * web_cpu / max(result.requests, 1):.0f} ms a request), robot workers "
        f"{robot_cpu:.1f} s ({1000 * robot_cpu / max(robot['during_load'], 1):.0f} ms an "
        f"application finished; letters, at a lower priority, mostly come later), "
        f"the drivers (this process) {checks['driver_cpu_seconds']:.1f} s; "
        "PostgreSQL not counted"
    )
    lines.append(
        f"system: {result.requests / result.seconds:.0f} requests/s, {result.errors} errors, "
        f"robot {robot['during_load_per_second']:.1f} applications/s under load, "
        + ("nothing lost or done twice" if result.ok and checks["audit_ok"] else "NOT CLEAN")
    )
    return lines


# --------------------------------------------------------------------------- the command


def add_arguments(subparsers) -> None:
    """``bench system``'s options, for ``bistand bench``."""
    parser = subparsers.add_parser(
        "system",
        help="hela produktionsstacken på PostgreSQL under last: webb, robot, sökande, handläggare",
    )
    parser.add_argument("--applications", type=int, default=2000, help="ansökningar i månaden")
    parser.add_argument("--web", type=int, default=2, help="webbprocesser (bistand serve)")
    parser.add_argument("--robot-workers", type=int, default=1, help="robotarbetare")
    parser.add_argument("--clients", type=int, default=8, help="samtidiga klienter (minst 2)")
    parser.add_argument("--seconds", type=float, default=60, help="hur länge lasten pågår")
    parser.add_argument(
        "--drain-seconds",
        type=float,
        default=300,
        help="hur länge roboten får arbeta vidare efter lasten (standard 300)",
    )
    parser.add_argument("--month", help="månad ÅÅÅÅ-MM (standard: den här månaden)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="skriv också resultatet som JSON")


def handle(options: dict, write) -> None:
    """``bench system``: run and print (the last line is the summary)."""
    from django.core.management.base import CommandError

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise CommandError(SQLITE_REFUSAL, returncode=2)
    if (
        options["applications"] < 1
        or options["web"] < 1
        or options["robot_workers"] < 1
        or options["clients"] < 2
        or options["seconds"] <= 0
    ):
        raise CommandError(
            "--applications, --web och --robot-workers måste vara minst 1, --clients minst 2 "
            "och --seconds större än 0",
            returncode=2,
        )
    if options["month"]:
        from bistand.rules.errors import InputError
        from bistand.rules.period import Month

        try:
            Month.parse(options["month"], "--month")
        except InputError as exc:
            raise CommandError(str(exc), returncode=2) from None
    result = run(
        applications=options["applications"],
        web=options["web"],
        robot_workers=options["robot_workers"],
        clients=options["clients"],
        seconds=options["seconds"],
        drain_seconds=options["drain_seconds"],
        month=options["month"],
        seed=options["seed"],
        log=write,
    )
    for line in report(result):
        write(line)
    if options["json"]:
        figures = asdict(result)
        figures["requests"] = result.requests
        figures["ok"] = result.ok
        write(json.dumps(figures, ensure_ascii=False))


# --------------------------------------------------------------------------- child steps


def _setup(args) -> dict[str, Any]:
    from bistand.robot.bench import child_database

    log = child_database()
    from django.conf import settings
    from django.test import Client

    from bistand.bench.world import make_world
    from bistand.cases import seeding
    from bistand.cases.models import Application, HouseholdMember, Role
    from bistand.eservice.bench import _logged_in_client
    from bistand.eservice.models import Step
    from bistand.eservice.services import months_open
    from bistand.rules.period import Month

    began = time.perf_counter()
    this_month, next_month = months_open()
    month = args.month or this_month
    municipality = seeding.get_municipality(automated=True)
    world = make_world(2, month)
    log(f"seeding {args.applications} applications for {month} (bistand seed, policy automated)")
    seeded = seeding.seed(
        args.applications, Month.parse(month), seed_value=args.seed, municipality=municipality
    )
    households = list(
        Application.objects.filter(month=month)
        .order_by("pk")
        .values_list("case__household_id", flat=True)
    )
    rng = random.Random(args.seed)  # noqa: S311 - which applicants, reproducible
    applicants = []
    for household in rng.sample(households, min(args.applicants, len(households))):
        person = (
            HouseholdMember.objects.select_related("person")
            .get(household_id=household, role=Role.APPLICANT)
            .person
        )
        applicants.append(_session_of(_logged_in_client(person)))
    caseworkers = []
    for n in range(args.caseworkers):
        staff = world.staff[world.units[n % len(world.units)].pk]
        client = Client()
        client.force_login(staff[(n // len(world.units)) % (len(staff) - 1)])
        caseworkers.append(_session_of(client))
    return {
        "month": month,
        "next_month": next_month,
        "seeded": seeded.submitted,
        "applicants": applicants,
        "caseworkers": caseworkers,
        "steps": list(Step.values),
        "cookie": settings.SESSION_COOKIE_NAME,
        "seconds": time.perf_counter() - began,
    }


def _session_of(client) -> str:
    from django.conf import settings

    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _check(args) -> dict[str, Any]:
    from datetime import UTC, datetime

    from django.db.models import Count, Max, Min
    from django_tasks_db.models import DBTaskResult

    from bistand.audit.services import verify_chain
    from bistand.cases.models import Application, State, Transition
    from bistand.decisions.models import Decision, Proposal, Route
    from bistand.followup.services import duplicates

    applications = Application.objects.filter(month=args.month)
    waiting = [State.SUBMITTED, State.ROBOT_PROCESSING]
    seeded = applications.count()
    left = applications.filter(state__in=waiting).count()
    tasks = DBTaskResult.objects.filter(task_path=TASK)
    done = tasks.filter(status="SUCCESSFUL")
    span = done.aggregate(a=Min("started_at"), b=Max("finished_at"))
    seconds = (span["b"] - span["a"]).total_seconds() if span["a"] else 0.0
    proposals = Proposal.objects.filter(application__month=args.month)  # one per application
    processed = proposals.count()
    to_caseworker = proposals.filter(route=Route.CASEWORKER).count()
    decided = Decision.objects.filter(application__month=args.month).exclude(automated_function="")
    # Applications the robot finished while the drivers ran (the task table's times).
    load_from = datetime.fromtimestamp(args.load_from, tz=UTC)
    load_until = datetime.fromtimestamp(args.load_until, tz=UTC)
    load_seconds = args.load_until - args.load_from
    during_load = done.filter(finished_at__gte=load_from, finished_at__lte=load_until).count()
    decided_twice = {row["application"] for row in duplicates(args.month)}
    reasons: dict[str, int] = {}
    for routed in Proposal.objects.filter(application__month=args.month).values_list(
        "route_reasons", flat=True
    ):
        for reason in routed or []:
            reasons[reason["code"]] = reasons.get(reason["code"], 0) + 1
    entered_twice = set(
        Transition.objects.filter(
            application__month=args.month,
            to_state__in=[State.PROPOSAL_READY, State.DECIDED, State.PAID],
        )
        .values("application", "to_state")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("application", flat=True)
    )
    return {
        "seeded": seeded,
        "past_robot": seeded - left,
        "left": left,
        "lost": left + max(0, args.applications - seeded),
        "twice": len(decided_twice | entered_twice),
        "decided_twice": len(decided_twice),
        "route_reasons": reasons,
        "entered_twice": len(entered_twice),
        "audit_ok": bool(verify_chain().ok),
        "caseworker_decisions": Decision.objects.filter(
            application__month=args.month, automated_function=""
        ).count(),
        "states": dict(applications.values_list("state").annotate(n=Count("pk")).order_by("state")),
        "robot": {
            "processed": processed,
            "decided": decided.count(),
            "proposals": to_caseworker,
            "failed": tasks.filter(status="FAILED").count(),
            "seconds": seconds,
            "per_second": processed / seconds if seconds else 0.0,
            "during_load": during_load,
            "during_load_per_second": during_load / load_seconds if load_seconds else 0.0,
        },
    }


def _child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bistand.ops.bench_system")
    step = parser.add_mutually_exclusive_group(required=True)
    step.add_argument("--setup", action="store_true")
    step.add_argument("--check", action="store_true")
    parser.add_argument("--applications", type=int, default=0)
    parser.add_argument("--applicants", type=int, default=0)
    parser.add_argument("--caseworkers", type=int, default=0)
    parser.add_argument("--month")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--load-from", type=float, default=0.0)
    parser.add_argument("--load-until", type=float, default=0.0)
    args = parser.parse_args(argv)
    if args.setup:
        figures = _setup(args)
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bistand.settings")
        import django

        django.setup()
        figures = _check(args)
    print("RESULT " + json.dumps(figures), flush=True)


if __name__ == "__main__":
    _child(sys.argv[1:])
