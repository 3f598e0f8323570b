"""`bistand bench system`, run as an operator runs it (a separate process), small: the whole
stack on PostgreSQL for a few seconds. What is checked is what a reader of its report relies
on (figures for every page, no errors, nothing lost or done twice), never a time
(docs/testing.md: no test asserts a time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.db import connection

from bistand.ops.bench_system import APPLICANT_PAGES, APPROVE, CASEWORKER_PAGES


def bench(*args: str, database_url: str, timeout: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("BISTAND_TEST_DB_NAME", None)
    return subprocess.run(
        [sys.executable, "-m", "bistand.cli", "bench", "system", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def postgresql_server() -> str:
    """The URL of the test database's PostgreSQL server (its maintenance database: the
    benchmark creates a database of its own there); skips when there is none."""
    if connection.vendor != "postgresql":
        pytest.skip("bench system needs PostgreSQL; the PostgreSQL pass of `make test` runs it")
    import psycopg

    db = connection.settings_dict
    user = quote(db.get("USER") or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    url = f"postgres://{user}{password}@{host}:{port}/postgres"
    try:
        psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=5).close()
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server answers: {error}")
    return url


def test_bench_system_refuses_sqlite_and_says_why(tmp_path):
    done = bench(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", timeout=120)
    assert done.returncode == 2
    assert "kräver PostgreSQL" in done.stderr
    assert "several web processes and robot workers write at once" in done.stderr


def test_the_whole_stack_under_load_serves_every_page_and_loses_nothing():
    url = postgresql_server()
    done = bench(
        "--applications=40",
        "--seconds=15",
        "--clients=4",
        "--web=2",
        "--robot-workers=2",
        "--drain-seconds=60",
        "--json",
        database_url=url,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    summary = lines[-2]

    # Every page was requested, answered and timed; none answered an error.
    pages = {p["page"]: p for p in figures["pages"]}
    assert list(pages) == APPLICANT_PAGES + CASEWORKER_PAGES
    for page in pages.values():
        assert page["requests"] > 0, page
        assert 0 < page["p50_ms"] <= page["p95_ms"], page
        assert page["errors"] == 0, page
        assert not any(status.startswith("5") for status in page["statuses"]), page
    assert figures["errors"] == 0, figures["error_examples"]
    assert any(line.startswith(f"{APPROVE} ") for line in lines)  # the table has its row

    # Approvals that lost a race to a colleague were refused cleanly; the rest decided.
    assert 0 < figures["caseworker_decisions"] <= figures["approvals_posted"]

    # The robot finished the month; nothing lost, nothing done twice, the audit chain intact.
    checks = figures["checks"]
    assert figures["seeded"] == 40 and checks["seeded"] == 40
    assert checks["past_robot"] == 40 and checks["lost"] == 0
    assert figures["robot"]["processed"] == 40
    assert figures["robot"]["failed"] == 0
    assert checks["twice"] == 0 and checks["decided_twice"] == 0 and checks["entered_twice"] == 0
    assert checks["audit_ok"] is True
    assert checks["server_errors_logged"] == 0 and checks["worker_errors_logged"] == 0
    assert summary.startswith("system: ") and summary.endswith("nothing lost or done twice")
