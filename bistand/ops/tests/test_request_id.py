"""Every request has an id: in the response header and in every JSON log line written while it
is served; never a personnummer or a name in those lines."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest

from bistand.core.middleware import request_id_from
from bistand.logconfig import logging_dict

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The project's JSON formatter on a handler of the root logger, read back as dicts."""
    formatter_config = logging_dict("INFO", "json")["formatters"]["json"]
    factory = formatter_config.pop("()")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(factory(**formatter_config))
    # Django's loggers do not propagate to the root (bistand/logconfig.py): listen to both.
    loggers = [logging.getLogger(), logging.getLogger("django")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def test_each_response_carries_a_fresh_request_id(client):
    first = client.get("/health/live")["X-Request-ID"]
    second = client.get("/health/live")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_safe_incoming_request_id_is_kept_and_an_unsafe_one_replaced(client):
    given = "3f2b8c1e-9d4a-4b7e-a1c2-5e6f7a8b9c0d"
    assert client.get("/health/live", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    for unsafe in (
        "19850201-9980",
        "abc",
        "a b c d e f g h",
        "x" * 65,
        "<script>alert(1)</script>",
    ):
        answered = client.get("/health/live", HTTP_X_REQUEST_ID=unsafe)["X-Request-ID"]
        assert answered != unsafe
        assert request_id_from(unsafe) != unsafe


def test_log_lines_are_json_with_the_request_id_and_never_the_personnummer(
    client, json_log, admin_user
):
    client.force_login(admin_user)
    response = client.get("/handlaggning/?q=19850201-9980", HTTP_X_REQUEST_ID="req-abc123def")
    assert response.status_code == 302  # refused: a personnummer in a staff page's address
    assert response["X-Request-ID"] == "req-abc123def"
    client.get("/finns-inte/198502019980/")  # Django logs "Not Found: <path>"
    lines = json_log()
    request_line = next(line for line in lines if line["event"] == "request")
    assert set(request_line) == {
        "event", "view", "method", "status", "duration_ms",
        "request_id", "level", "logger", "timestamp",
    }  # fmt: skip
    assert request_line["request_id"] == "req-abc123def"
    assert request_line["status"] == 302
    assert request_line["view"] == "unresolved"  # answered before its URL was resolved
    not_found = next(line for line in lines if line["event"].startswith("Not Found"))
    assert not_found["event"] == "Not Found: /finns-inte/[personnummer]/"
    everything = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert "19850201" not in everything and "198502019980" not in everything


def test_a_stdlib_log_line_written_during_a_request_has_its_id(client, json_log):
    response = client.get("/health/live", HTTP_HOST="not-allowed.example")
    assert response.status_code == 400
    lines = json_log()
    refused = next(line for line in lines if line["logger"] == "django.security.DisallowedHost")
    assert refused["request_id"] == response["X-Request-ID"]
    assert refused["level"] == "error"


def test_the_console_format_masks_too():
    from bistand.logconfig import mask_personnummer

    line = {"event": "pnr 850201-9980 och 19850201+9980", "n": 3}
    masked = mask_personnummer(None, "info", line)
    assert masked == {"event": "pnr [personnummer] och [personnummer]", "n": 3}
    kept = {"event": "ansökan 123456, tid 2026-12-06T03:52:23.506699Z, id 17965291501890"}
    assert mask_personnummer(None, "info", dict(kept)) == kept
