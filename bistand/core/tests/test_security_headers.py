"""Every page gets a Content-Security-Policy and ``Cache-Control: no-store``: the URL list as
each kind of visitor sees it (pages, redirects, refusals and errors alike), and the pages with
personal data filled in for real."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from bistand.cases.models import Application
from bistand.cases.seeding import get_municipality, seed
from bistand.robot.pipeline import process
from bistand.rules.period import Month
from bistand.staff.models import Role
from bistand.staff.testing import make_staff

SITE_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "object-src 'none'",
)


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip() for part in header.split(";") if part.strip()
    }


def assert_not_stored(response, url: str) -> None:
    cache = response.get("Cache-Control", "")
    assert "no-store" in cache and "private" in cache, f"{url}: Cache-Control {cache!r}"


def assert_site_policy(response, url: str) -> None:
    header = response.get("Content-Security-Policy", "")
    for directive in SITE_POLICY:
        assert directive in header, f"{url}: {directive!r} missing from {header!r}"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, url


def all_urls() -> list[str]:
    """Every URL pattern of the site, with 1 for a number and "x" for a word."""
    urls = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = str(entry.pattern)
            if route.startswith("^"):  # a regex route (the API's router, the admin's)
                route = re.sub(r"\(\?P<(?:pk|object_id)>[^)]*\)", "1", route)
                route = route.strip("^$").replace("\\.", ".")
                if "(" in route or "|" in route or "*" in route:
                    continue  # the admin's app index and catch-all, formats: reached otherwise
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                path = re.sub(r"<(?:int|path):\w+>", "1", prefix + route)
                urls.append("/" + re.sub(r"<(?:\w+:)?\w+>", "x", path))

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


@pytest.fixture
def staff(db):
    get_municipality()
    return {
        "anonym": None,
        "handläggare": make_staff("hanna", Role.CASEWORKER),
        "administratör": make_staff("adam", Role.ADMINISTRATOR, is_staff=True),
    }


def test_every_url_has_the_policy_and_is_not_stored(client, staff):
    urls = all_urls()
    assert len(urls) > 40 and "/admin/cases/person/" in urls and "/api/v1/cases/1/" in urls
    for name, user in staff.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            where = f"{url} ({name}, {response.status_code})"
            assert "Content-Security-Policy" in response, where
            assert "frame-ancestors 'none'" in response["Content-Security-Policy"], where
            assert_not_stored(response, where)


@pytest.fixture
def office(register_simulator, db):
    """Two households, their applications decided by the robot (automated)."""
    get_municipality(automated=True)
    seed(2, Month.parse("2025-04"), simulator=register_simulator)
    for application in Application.objects.all():
        process(application.pk)
    return make_staff("greta", Role.AUDITOR, is_staff=True, protected=True)


def test_pages_with_personal_data_have_the_site_policy_and_no_store(client, office):
    application = Application.objects.order_by("pk").first()
    client.force_login(office)
    for url in (
        "/handlaggning/",
        f"/handlaggning/ansokan/{application.pk}/",
        f"/api/v1/applications/{application.pk}/",
        f"/api/v1/cases/{application.case_id}/",
        "/api/v1/applications/",
        "/admin/",
        "/admin/cases/person/",
        f"/admin/cases/application/{application.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_site_policy(response, url)
        assert_not_stored(response, url)


def test_the_start_and_login_pages_have_the_site_policy(client, db):
    for url in ("/", "/konto/logga-in/", "/mina-sidor/logga-in/", "/admin/login/"):
        response = client.get(url)
        assert response.status_code in (200, 503), url  # 503: no e-ID configured in tests
        assert_site_policy(response, url)
        assert_not_stored(response, url)


def test_the_api_documentation_has_its_own_policy_without_inline_script(client, staff):
    client.force_login(staff["handläggare"])
    swagger = client.get("/api/docs/")
    assert swagger.status_code == 200
    policy = directives(swagger)
    assert policy["script-src"] == "script-src 'self'"
    assert policy["img-src"] == "img-src 'self' data:"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    html = swagger.content.decode()
    assert "<script>" not in html and "<style" not in html
    script = re.search(r'<script src="(/api/docs/\?[^"]*script=[^"]*)"', html)
    assert script, "the start-up script is fetched, not inline"
    started = client.get(script.group(1).replace("&amp;", "&"))
    assert started.status_code == 200
    assert started["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in started.content

    redoc = client.get("/api/redoc/")
    policy = directives(redoc)
    assert policy["script-src"] == "script-src 'self'"  # only the page's styles are relaxed
    assert "blob:" in policy["worker-src"]
    assert "<script>" not in redoc.content.decode()


def test_the_form_action_allows_ourselves_and_the_identity_providers_logout(client, settings, db):
    settings.EID_OIDC_ISSUER = ""
    settings.OIDC_OP_END_SESSION_ENDPOINT = ""
    assert directives(client.get("/"))["form-action"] == "form-action 'self'"

    # A logout form's answer redirects to the provider: browsers check that against form-action.
    settings.EID_OIDC_ISSUER = "https://eid.example.se/oidc"
    settings.OIDC_OP_END_SESSION_ENDPOINT = "https://login.kommun.example/logout?x=1"
    assert directives(client.get("/"))["form-action"] == (
        "form-action 'self' https://eid.example.se https://login.kommun.example"
    )
