"""The production stack as systemd starts it: `bistand serve` (gunicorn + WhiteNoise) behind a
TLS-terminating proxy, and the robot worker, with the exact commands of the unit files in
deploy/systemd/. They run against the test database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from configparser import ConfigParser
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings
from django.db import connection

from bistand.core.gunicorn_conf import masked_path
from bistand.core.management.commands.serve import STAMP, static_files_state

UNITS = Path(settings.BASE_DIR) / "deploy" / "systemd"
BIN = Path(sys.executable).parent
HOST = "bistand.example.se"


def exec_start(unit: str) -> list[str]:
    """The unit file's ExecStart as an argument list."""
    parser = ConfigParser(interpolation=None, strict=False)
    parser.read(UNITS / unit, encoding="utf-8")
    return shlex.split(parser["Service"]["ExecStart"])


def as_started_here(argv: list[str], **replace: str) -> list[str]:
    """The unit's command with this checkout's `bistand` (the unit names /opt/bistand's) and
    the given options' values replaced (a free port instead of 8000)."""
    assert argv[0] == "/opt/bistand/.venv/bin/bistand"
    args = list(argv[1:])
    for option, value in replace.items():
        args[args.index(option) + 1] = value
    return [str(BIN / "bistand"), *args]


def test_the_unit_files_start_exactly_the_documented_commands():
    assert exec_start("bistand-web.service") == [
        "/opt/bistand/.venv/bin/bistand",
        "serve",
        "--workers",
        "2",
        "--bind",
        "127.0.0.1:8000",
    ]
    assert exec_start("bistand-worker@.service") == ["/opt/bistand/.venv/bin/bistand", "worker"]
    operations = (Path(settings.BASE_DIR) / "docs" / "operations.md").read_text()
    for unit in ("bistand-web.service", "bistand-worker@.service"):
        command = " ".join(exec_start(unit))
        assert f"ExecStart={command}" in (UNITS / unit).read_text()
        assert unit in operations


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BISTAND_")}
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "DATABASE_URL": database_url(),
            "BISTAND_VAR_DIR": str(tmp_path / "var"),
            "BISTAND_STATIC_ROOT": str(tmp_path / "static"),
            "BISTAND_SECRET_KEY": "k" * 20 + "production-like-secret-key-for-the-test-0123456789",
            "BISTAND_HTTPS": "1",
            "BISTAND_ALLOWED_HOSTS": HOST,
            "BISTAND_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
            "BISTAND_HSTS_SECONDS": "600",
            **extra,
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"bistand serve exited {process.returncode}")
        try:
            httpx.get(url, timeout=1, trust_env=False)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"bistand serve did not answer at {url} within {seconds} s")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def catches_sigterm(pid: int) -> bool:
    """The process has its own SIGTERM handler (it is past start-up)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    return False


def needs_a_shared_database() -> None:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("mode=memory" in name or name == ":memory:"):
        pytest.skip("a server process needs a database file; `make test` gives the suite one")


@pytest.mark.django_db(transaction=True)
def test_bistand_serve_behind_a_tls_proxy_serves_pages_and_hashed_static_files(tmp_path):
    needs_a_shared_database()
    port = free_port()
    argv = as_started_here(exec_start("bistand-web.service"), **{"--bind": f"127.0.0.1:{port}"})
    assert argv[1:] == ["serve", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    metrics = tmp_path / "metrics"  # the unit's RuntimeDirectory, empty at each start
    metrics.mkdir()
    server = subprocess.Popen(
        argv,
        env=production_env(tmp_path, PROMETHEUS_MULTIPROC_DIR=str(metrics)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    proxy = {"Host": HOST, "X-Forwarded-Proto": "https"}
    try:
        wait_until_up(base, server, seconds=120)  # the first start collects the static files
        # The first worker may answer while the second is still being forked (seen under load).
        deadline = time.monotonic() + 30
        while len(children(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(children(server.pid)) == 2, "gunicorn's master and two workers"
        with httpx.Client(base_url=base, trust_env=False, timeout=10) as client:
            page = client.get("/", headers=proxy)
            assert page.status_code == 200
            assert page.headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
            assert "no-store" in page.headers["Cache-Control"]
            assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
            assert page.headers["X-Content-Type-Options"] == "nosniff"

            # A hashed, compressed static file, cached for ever by WhiteNoise.
            hashed = re.search(r'/static/[^"]+\.[0-9a-f]{12}\.css', page.text)
            assert hashed, "the page links its stylesheet by a hashed name"
            css = client.get(hashed.group(0), headers={**proxy, "Accept-Encoding": "gzip"})
            assert css.status_code == 200
            assert css.headers["Content-Encoding"] == "gzip"
            assert "max-age=315360000" in css.headers["Cache-Control"]
            assert "immutable" in css.headers["Cache-Control"]
            assert "no-store" not in css.headers["Cache-Control"]

            # Plain http (no proxy header) is sent to https; cookies only over https.
            plain = client.get("/", headers={"Host": HOST})
            assert plain.status_code == 301
            assert plain.headers["Location"] == f"https://{HOST}/"
            login = client.get("/konto/logga-in/", headers=proxy)
            assert login.status_code == 200
            assert "; secure" in login.headers["Set-Cookie"].lower()

            # A host the site is not for is refused.
            assert client.get("/", headers={**proxy, "Host": "evil.example"}).status_code == 400

            # Never a query string (nor a personnummer) in the access log.
            client.get("/?q=19850201-1234", headers=proxy)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output, _ = server.communicate(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
            raise AssertionError("bistand serve did not stop within 40 s of SIGTERM") from None
    assert server.returncode == 0, output
    assert "19850201" not in output
    access = [json.loads(line) for line in output.splitlines() if '"http_request"' in line]
    pages = [entry for entry in access if entry["path"] == "/" and entry["status"] == 200]
    assert pages, "the access log has the page, as JSON"
    assert pages[0]["method"] == "GET" and pages[0]["remote_addr"] == "127.0.0.1"
    assert all("?" not in entry["path"] for entry in access)
    # The next start finds the static files up to date and does not collect them again.
    assert (tmp_path / "static" / STAMP).is_file()


def test_bistand_serve_without_collectstatic_refuses_when_static_files_are_missing(tmp_path):
    result = subprocess.run(
        [str(BIN / "bistand"), "serve", "--no-collectstatic"],
        env=production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "static files" in result.stderr
    assert "are missing" in result.stderr
    assert "bistand collectstatic --noinput" in result.stderr


def test_static_files_are_stale_when_the_sources_changed(tmp_path):
    assert static_files_state(tmp_path, "abc") == "missing"
    (tmp_path / "staticfiles.json").write_text("{}")
    assert static_files_state(tmp_path, "abc") == "stale"
    (tmp_path / STAMP).write_text("abc\n")
    assert static_files_state(tmp_path, "abc") == "current"
    assert static_files_state(tmp_path, "def") == "stale"


def test_the_access_log_masks_a_personnummer_in_the_path():
    assert masked_path("/x/198502011234/") == "/x/[personnummer]/"
    assert masked_path("/x/850201-1234") == "/x/[personnummer]"
    assert masked_path("/handlaggning/ansokan/1234/") == "/handlaggning/ansokan/1234/"


@pytest.mark.django_db(transaction=True)
def test_the_worker_unit_starts_a_worker_that_stops_on_sigterm(tmp_path):
    needs_a_shared_database()
    argv = as_started_here(exec_start("bistand-worker@.service"))
    worker = subprocess.Popen(
        argv,
        env=production_env(tmp_path, BISTAND_REGISTER_SIMULATOR_URL="http://127.0.0.1:9"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not catches_sigterm(worker.pid) and time.monotonic() < deadline:
        assert worker.poll() is None, worker.communicate()[0]
        time.sleep(0.1)
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output


def test_without_collectstatic_pages_refer_to_static_files_by_their_own_names(tmp_path):
    """A process where nothing was collected (runserver, a benchmark's child) renders pages."""
    from bistand.core.staticfiles import StaticFilesStorage

    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("core/site.css") == "/static/core/site.css"
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"core/site.css": "core/site.0123456789ab.css"}})
    )
    collected = StaticFilesStorage(location=tmp_path, base_url="/static/")
    assert collected.url("core/site.css") == "/static/core/site.0123456789ab.css"
