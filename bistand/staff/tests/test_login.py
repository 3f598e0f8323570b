"""Staff login with a password: the form, logging in and out, and the lockout after guessing."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from bistand.audit.models import AuditEvent
from bistand.staff.models import Role
from bistand.staff.testing import make_staff

LOGIN = "/konto/logga-in/"
LOGOUT = "/konto/logga-ut/"
PASSWORD = "rätt-lösenord-1"


@pytest.fixture
def anna(db):
    return make_staff("anna", Role.CASEWORKER, password=PASSWORD)


def attempt(client, username="anna", password="fel", **extra):  # noqa: S107
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_the_login_page_is_swedish_and_accessible(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv"' in html
    assert "<h1" in html and "Logga in" in html
    # every input has a label, and the browser knows what to fill in
    for field in ("id_username", "id_password"):
        assert f'<label class="govuk-label" for="{field}">' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "csrfmiddlewaretoken" in html
    assert not re.search(r"https?://", html)


def test_logging_in_and_out(client, anna):
    response = attempt(client, password=PASSWORD, follow=False)
    assert response.status_code == 302
    assert response["Location"] == "/handlaggning/"  # a caseworker's day starts at the queues
    assert int(client.session[SESSION_KEY]) == anna.pk

    event = AuditEvent.objects.get(action="staff.logged_in")
    assert event.actor == f"user:{anna.pk}:anna" and event.data == {"method": "password"}

    assert client.get(LOGOUT).status_code == 405  # only POST logs out (CSRF-protected)
    response = client.post(LOGOUT)
    assert response.status_code == 302 and response["Location"] == "/konto/utloggad/"
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="staff.logged_out", actor__startswith="user:").exists()
    page = client.get("/konto/utloggad/").content.decode()
    assert "Du är utloggad" in page


def test_someone_without_a_role_lands_on_the_admin_or_the_start_page(client, db):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    users.create_user("it", password=PASSWORD, is_staff=True)
    users.create_user("ingen", password=PASSWORD)
    assert attempt(client, "it", PASSWORD)["Location"] == "/admin/"
    client.post(LOGOUT)
    assert attempt(client, "ingen", PASSWORD)["Location"] == "/"


def test_login_goes_on_to_next(client, anna):
    response = client.post(
        LOGIN, {"username": "anna", "password": PASSWORD, "next": "/api/v1/cases/"}
    )
    assert response["Location"] == "/api/v1/cases/"


def test_a_wrong_password_shows_an_error_summary_first(client, anna):
    response = attempt(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Fel: Logga in" in html
    summary = html.index("govuk-error-summary")
    assert summary < html.index("<h1")
    assert 'role="alert"' in html
    assert "Ange ett korrekt användarnamn och lösenord" in html
    assert SESSION_KEY not in client.session


def test_five_failures_lock_the_username_from_that_address(client, anna):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client).status_code == 200
    locked = attempt(client)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Inloggningen är tillfälligt spärrad" in html
    assert "Försök igen om 15 minuter" in html

    # Even the right password is refused while the lockout lasts ...
    assert attempt(client, password=PASSWORD).status_code == 429
    assert SESSION_KEY not in client.session
    # ... but only for that username from that address.
    assert attempt(client, password=PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, anna, settings):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client)
        assert attempt(client, password=PASSWORD).status_code == 429
        clock.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 1)
        assert attempt(client, password=PASSWORD).status_code == 302


def test_a_success_resets_the_count(client, anna):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 302
    client.post(LOGOUT)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client).status_code == 200


def test_the_admin_login_is_guarded_too(client, anna):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "anna", "password": "fel"})
    assert attempt(client, password=PASSWORD).status_code == 429


def test_sessions_last_a_working_day_and_end_with_the_browser(client, anna):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    response = attempt(client, password=PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    assert cookie["httponly"]
    assert 8 * 3600 - 60 < client.session.get_expiry_age() <= 8 * 3600


def test_an_inactive_user_cannot_log_in(client, anna):
    anna.is_active = False
    anna.save()
    assert attempt(client, password=PASSWORD).status_code == 200
    assert SESSION_KEY not in client.session
