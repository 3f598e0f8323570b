"""`bistand bench eservice`, run as a user runs it (a separate process), with tiny numbers:
the shape of its report, never its times (docs/testing.md: no test asserts a time)."""

from __future__ import annotations

import re
import subprocess
import sys

from bistand.eservice.models import Step

PAGES = [
    *[f"steg {s.value}" for s in Step],
    "granska",
    "ansök (start)",
    "mina sidor",
    "ansökan (mina sidor)",
]
ROW = re.compile(r"^(?P<page>.+?)\s+(\d+\.\d)\s+(\d+\.\d)\s+(\d+\.\d)\s+(\d+)(?:-(\d+))?$")


def test_bench_eservice_reports_every_page_with_percentiles_and_queries():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bistand.cli",
            "bench",
            "eservice",
            "--cases=50",
            "--requests=3",
            "--applicants=3",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert any(re.match(r"^(SQLite|PostgreSQL): 50 cases, filled in", line) for line in lines)
    assert "3 applicants logged in, each with a complete draft for next month" in done.stdout
    header = next(i for i, line in enumerate(lines) if line.startswith("page "))
    assert lines[header].split()[1:] == ["p50", "ms", "p95", "ms", "max", "ms", "SQL", "queries"]
    rows = [ROW.match(line) for line in lines[header + 1 : header + 1 + len(PAGES)]]
    assert all(rows), lines[header:]
    assert [row["page"] for row in rows] == PAGES
    for row in rows:
        p50, p95, most = float(row[2]), float(row[3]), float(row[4])
        assert 0 < p50 <= p95 <= most
        assert int(row[5]) > 0
    assert re.match(r"^eservice: p95 at most \d+ ms \(.+\); ", lines[-1]), lines[-1]


def test_bench_eservice_refuses_numbers_too_small():
    done = subprocess.run(
        [sys.executable, "-m", "bistand.cli", "bench", "eservice", "--requests=1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "--requests minst 2" in done.stderr
