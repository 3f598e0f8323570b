"""Pytest helpers for the e-service: a real OpenID Connect provider (oidc-provider-mock) with
test identities, and a login through it. The root conftest.py loads this module as a plugin.

    def test_something(client, eid_login):
        eid_login(client, "19121212-1212")   # the whole code flow, for real
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

CLIENT_ID = "bistand-eservice-test"


@pytest.fixture(scope="session")
def eid_provider():
    """A running OIDC provider; its users are registered by ``eid_login``."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def eid(settings, eid_provider):
    """Bistånd's applicant login pointed at the local provider."""
    from bistand.eservice import eid as eid_module

    settings.EID_OIDC_ISSUER = eid_provider
    settings.EID_OIDC_CLIENT_ID = CLIENT_ID
    settings.EID_OIDC_CLIENT_SECRET = "hemlighet"
    eid_module._discovered.clear()
    return eid_provider


def register_identity(
    provider: str, personnummer: str, *, with_personnummer: bool = True, **claims
) -> str:
    """A test identity at the provider: its ``sub`` and claims (the personnummer claim unless
    ``with_personnummer`` is false)."""
    from django.conf import settings

    digits = personnummer.replace("-", "")
    sub = f"test-{digits}" + ("" if with_personnummer else "-utan")
    body = {**({settings.EID_OIDC_CLAIM: digits} if with_personnummer else {}), **claims}
    httpx.put(f"{provider}/users/{sub}", json=body, timeout=10).raise_for_status()
    return sub


@pytest.fixture
def eid_login(eid):
    """``eid_login(client, personnummer, next="/mina-sidor/", again=False)``: logs the
    Django test client in through the provider; returns Bistånd's last response."""

    def login(client, personnummer: str, next: str = "/mina-sidor/", again: bool = False, **claims):
        sub = register_identity(eid, personnummer, **claims)
        query = {"next": next, **({"igen": "1"} if again else {})}
        start = client.get("/mina-sidor/logga-in/start/", query)
        assert start.status_code == 302, start
        authorize = start["Location"]
        answer = httpx.post(authorize, data={"sub": sub}, follow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        back = urlsplit(answer.headers["location"])
        return client.get(back.path, parse_qs(back.query))

    return login
