"""Staff login through a real OpenID Connect provider (oidc-provider-mock, in a thread).

The whole code flow runs for real: Bistånd sends the browser to the provider's authorize
endpoint, the "user" picks a subject there, the provider sends the browser back with a code,
and Bistånd exchanges the code for tokens over HTTP, checks the signed ID token against the
provider's keys, asks for the user info, and logs in the staff member the claim names.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, authenticate
from django.test import RequestFactory
from oidc_provider_mock import User, run_server_in_thread

from bistand.audit.models import AuditEvent
from bistand.staff.models import Role
from bistand.staff.testing import make_staff

ANNA_EMAIL = "anna.andersson@exempelkommun.invalid"
CLIENT_ID = "bistand-test"


@pytest.fixture(scope="module")
def provider():
    users = [
        User(sub="anna-sub", claims={"email": ANNA_EMAIL, "employee_id": "E1001"}),
        User(sub="stranger-sub", claims={"email": "stranger@example.invalid"}),
        User(sub="pnr-sub", claims={"email": ANNA_EMAIL, "pnr": "198502019980"}),
    ]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc(settings, provider):
    """Bistånd configured as in production with BISTAND_STAFF_OIDC_* set."""
    settings.STAFF_OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "bistand.staff.oidc.StaffOIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "hemlighet"
    settings.OIDC_OP_ISSUER = provider
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.OIDC_OP_END_SESSION_ENDPOINT = f"{provider}/oauth2/end_session"
    settings.STAFF_OIDC_CLAIM = "email"
    settings.STAFF_OIDC_MATCH = "email"
    return settings


@pytest.fixture
def anna(db):
    return make_staff("anna", Role.CASEWORKER, email=ANNA_EMAIL.upper())


def log_in_at_provider(client, subject: str, next_url: str = "/handlaggning/"):
    """Start at Bistånd, choose ``subject`` at the provider, come back: Bistånd's answer."""
    start = client.get("/konto/oidc/start/", {"next": next_url})
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["http://testserver/konto/oidc/callback/"]
    assert "nonce" in query and "state" in query and "code_challenge" in query

    # The provider's login form: the person chooses who they are.
    answer = httpx.post(authorize, data={"sub": subject}, follow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path == "/konto/oidc/callback/"
    return client.get(back.path, parse_qs(back.query))


def test_a_staff_member_logs_in_through_the_provider(client, oidc, anna):
    response = log_in_at_provider(client, "anna-sub")
    assert response.status_code == 302
    assert response["Location"] == "/handlaggning/"
    assert int(client.session[SESSION_KEY]) == anna.pk
    assert client.session[BACKEND_SESSION_KEY] == "bistand.staff.oidc.StaffOIDCBackend"
    assert client.get("/handlaggning/").status_code == 200  # the session works

    event = AuditEvent.objects.get(action="staff.logged_in")
    assert event.actor == f"user:{anna.pk}:anna" and event.data == {"method": "oidc"}


def test_an_unknown_subject_is_refused_and_nobody_is_created(client, oidc, anna, django_user_model):
    users_before = django_user_model.objects.count()
    response = log_in_at_provider(client, "stranger-sub")
    assert response.status_code == 302
    assert response["Location"] == "/konto/logga-in/?fel=oidc"
    assert SESSION_KEY not in client.session
    assert django_user_model.objects.count() == users_before
    page = client.get(response["Location"]).content.decode()
    assert "godtogs inte" in page


def test_a_user_without_a_staff_profile_is_refused(client, oidc, django_user_model):
    django_user_model.objects.create_user("utan-profil", email=ANNA_EMAIL)
    log_in_at_provider(client, "anna-sub")
    assert SESSION_KEY not in client.session


def test_an_inactive_staff_member_is_refused(client, oidc, anna):
    anna.is_active = False
    anna.save()
    log_in_at_provider(client, "anna-sub")
    assert SESSION_KEY not in client.session


def test_matching_on_an_employee_id_in_the_staff_profile(client, oidc, anna):
    oidc.STAFF_OIDC_CLAIM = "employee_id"
    oidc.STAFF_OIDC_MATCH = "login_id"
    log_in_at_provider(client, "anna-sub")
    assert SESSION_KEY not in client.session  # no profile has that login id yet

    anna.staff.login_id = "E1001"
    anna.staff.save()
    log_in_at_provider(client, "anna-sub")
    assert int(client.session[SESSION_KEY]) == anna.pk


def test_a_personnummer_claim_is_never_used(client, oidc, anna):
    oidc.STAFF_OIDC_CLAIM = "pnr"
    oidc.STAFF_OIDC_MATCH = "login_id"
    # Even if one got into a login id past the form's validation, it is not matched on.
    anna.staff.login_id = "198502019980"
    anna.staff.save()
    log_in_at_provider(client, "pnr-sub")
    assert SESSION_KEY not in client.session


def test_a_personnummer_cannot_be_a_login_id(anna):
    from django.core.exceptions import ValidationError

    anna.staff.login_id = "19850201-9980"
    with pytest.raises(ValidationError) as error:
        anna.staff.full_clean()
    assert "login_id" in error.value.message_dict


def test_a_token_from_another_issuer_is_refused(client, oidc, anna):
    oidc.OIDC_OP_ISSUER = "https://login.annankommun.example"
    log_in_at_provider(client, "anna-sub")
    assert SESSION_KEY not in client.session


def test_with_a_provider_passwords_are_refused(client, oidc, django_user_model):
    make_staff("bo", Role.CASEWORKER, password="ett-lösenord")
    page = client.get("/konto/logga-in/").content.decode()
    assert "Logga in med kommunens inloggning" in page
    assert 'name="password"' not in page
    response = client.post("/konto/logga-in/", {"username": "bo", "password": "ett-lösenord"})
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    # nor does the admin's own login form take passwords: it sends people to ours
    admin_login = client.get("/admin/login/", {"next": "/admin/"})
    assert admin_login.status_code == 302
    assert admin_login["Location"].startswith("/konto/logga-in/?next=")
    request = RequestFactory().post("/")
    assert authenticate(request, username="bo", password="ett-lösenord") is None


def test_logout_also_ends_the_provider_session(client, oidc, anna):
    log_in_at_provider(client, "anna-sub")
    response = client.post("/konto/logga-ut/")
    assert SESSION_KEY not in client.session
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        oidc.OIDC_OP_END_SESSION_ENDPOINT
    )
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/konto/utloggad/"]
    assert query["id_token_hint"]


def test_without_a_provider_its_pages_do_not_exist(client, db):
    assert client.get("/konto/oidc/start/").status_code == 404
    assert client.get("/konto/oidc/callback/").status_code == 404


def test_in_debug_the_password_form_stays_beside_the_provider(client, oidc, db):
    oidc.DEBUG = True
    oidc.AUTHENTICATION_BACKENDS = [
        *oidc.AUTHENTICATION_BACKENDS,
        "django.contrib.auth.backends.ModelBackend",
    ]
    make_staff("bo", Role.CASEWORKER, password="ett-lösenord")
    page = client.get("/konto/logga-in/").content.decode()
    assert "Logga in med kommunens inloggning" in page and 'name="password"' in page
    response = client.post("/konto/logga-in/", {"username": "bo", "password": "ett-lösenord"})
    assert response.status_code == 302


def test_a_half_configured_provider_fails_the_system_check(oidc):
    from django.core.checks import run_checks

    assert not [m for m in run_checks(tags=["security"]) if m.id.startswith("staff.")]
    oidc.OIDC_OP_TOKEN_ENDPOINT = ""
    oidc.OIDC_OP_ISSUER = ""
    ids = {m.id for m in run_checks(tags=["security"]) if m.id.startswith("staff.")}
    assert ids == {"staff.E001", "staff.W001"}
