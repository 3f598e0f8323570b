"""The OpenAPI schema: generated without warnings, valid, and the committed copy is current.

After changing the API (or a model's verbose name or help text that the API shows), write
the schema again: ``.venv/bin/bistand spectacular --file docs/openapi.yaml``.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_the_schema_generates_without_warnings_and_equals_docs_openapi_yaml(tmp_path):
    generated = tmp_path / "openapi.yaml"
    reset_generator_stats()
    # --fail-on-warn raises on any warning or error; --validate checks it against OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date: run "
        "`.venv/bin/bistand spectacular --file docs/openapi.yaml` and commit it"
    )


def test_the_schema_is_served_to_anyone(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"Bist\xc3\xa5nd API" in response.content


def test_swagger_ui_and_redoc_load_nothing_from_other_hosts(client):
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="sv">' in html
        assert not re.search(r"https?://", html), url
        for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
            assert finders.find(asset), asset
