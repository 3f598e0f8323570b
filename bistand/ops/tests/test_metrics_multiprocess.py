"""Under gunicorn every worker process counts its own requests: with PROMETHEUS_MULTIPROC_DIR
set, any process's /metrics shows the sum of them all (docs/monitoring.md)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .processes import child_database_url

#: A web process: serves some requests to /health/live, then answers /metrics once if asked.
PROCESS = """
import os, sys
import django
django.setup()
from django.test import Client
client = Client()
for _ in range(int(sys.argv[1])):
    assert client.get("/health/live").status_code == 200
if sys.argv[2] == "scrape":
    response = client.get("/metrics")
    assert response.status_code == 200, response.status_code
    sys.stdout.write(response.content.decode())
"""


def run(directory, requests: int, scrape: bool) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": child_database_url(),
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "DJANGO_SETTINGS_MODULE": "bistand.settings",
        "BISTAND_ALLOWED_HOSTS": "testserver",
        "BISTAND_LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROCESS, str(requests), "scrape" if scrape else "-"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.django_db
def test_requests_counted_in_two_processes_are_summed_by_the_one_that_answers(tmp_path):
    run(tmp_path, 2, scrape=False)
    text = run(tmp_path, 3, scrape=True)
    line = 'bistand_http_requests_total{method="GET",status="200",view="health-live"} 5.0'
    assert line in text
    assert 'bistand_http_request_duration_seconds_count{view="health-live"} 5.0' in text
    assert "bistand_database_up 1.0" in text  # the database gauges come along
    assert 'bistand_applications{state="submitted"} 0.0' in text
