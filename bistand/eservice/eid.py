"""Applicants' login with e-legitimation (BankID, Freja) through an e-ID broker, over OpenID
Connect: the authorisation code flow with PKCE, state and nonce.

The broker is configured by ``BISTAND_EID_OIDC_*`` (bistand/settings.py); its endpoints come
from its discovery document. The token exchange and the signature check are
mozilla-django-oidc's (``bistand.core.oidc.VerifyingOIDCBackend``); the personnummer is read
from the ID token's claim ``EID_OIDC_CLAIM`` and nothing else. An applicant is never a Django
user: ``bistand.eservice.session`` keeps the person in the session.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from mozilla_django_oidc.utils import (
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)

from bistand.cases import personnummer as pnr
from bistand.core.oidc import VerifyingOIDCBackend

DISCOVERY_TTL_SECONDS = 3600
TIMEOUT_SECONDS = 10


class EidUnavailable(Exception):
    """The e-ID broker is not configured or does not answer."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str = ""


@dataclass(frozen=True)
class Login:
    """Who logged in, as the broker vouched for it."""

    personnummer: str
    given_name: str
    family_name: str
    issuer: str
    ref: str  # SHA-256 of sub and iat: names this login without naming the person
    id_token: str


_discovered: dict[str, tuple[float, Provider]] = {}
_lock = threading.Lock()


def configured() -> bool:
    return bool(settings.EID_OIDC_ISSUER and settings.EID_OIDC_CLIENT_ID)


def provider() -> Provider:
    """The broker's endpoints from its discovery document (cached for an hour)."""
    if not configured():
        raise EidUnavailable("Inloggning med e-legitimation är inte inställd.")
    issuer = settings.EID_OIDC_ISSUER
    with _lock:
        cached = _discovered.get(issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_TTL_SECONDS:
            return cached[1]
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
        document = response.json()
        found = Provider(
            issuer=document["issuer"].rstrip("/"),
            authorization_endpoint=document["authorization_endpoint"],
            token_endpoint=document["token_endpoint"],
            jwks_uri=document["jwks_uri"],
            end_session_endpoint=document.get("end_session_endpoint", ""),
        )
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise EidUnavailable("E-legitimationstjänsten svarar inte just nu.") from exc
    if found.issuer != issuer:
        raise EidUnavailable("E-legitimationstjänsten uppger en annan utfärdare.")
    with _lock:
        _discovered[issuer] = (time.monotonic(), found)
    return found


class EidBackend(VerifyingOIDCBackend):
    """mozilla-django-oidc's token exchange and checks, configured for the e-ID broker (never
    from the staff login's ``OIDC_*`` settings)."""

    def __init__(self, found: Provider):
        self._settings = {
            "OIDC_OP_TOKEN_ENDPOINT": found.token_endpoint,
            "OIDC_OP_USER_ENDPOINT": "",
            "OIDC_OP_JWKS_ENDPOINT": found.jwks_uri,
            "OIDC_RP_CLIENT_ID": settings.EID_OIDC_CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": settings.EID_OIDC_CLIENT_SECRET,
            "OIDC_RP_SIGN_ALGO": settings.EID_OIDC_SIGN_ALGO,
            "OIDC_RP_IDP_SIGN_KEY": None,
            "OIDC_USE_NONCE": True,
            "OIDC_TIMEOUT": TIMEOUT_SECONDS,
            "OIDC_VERIFY_SSL": True,
            "OIDC_PROXY": None,
            "OIDC_TOKEN_USE_BASIC_AUTH": False,
            "OIDC_ALLOW_UNSECURED_JWT": False,
        }
        self.issuer = found.issuer
        super().__init__()

    def get_settings(self, attr, *args):
        if attr in self._settings:
            return self._settings[attr]
        return args[0] if args else None


def authorization_url(request, redirect_uri: str, *, force_login: bool = False) -> str:
    """Where to send the browser to log in; state, nonce and PKCE verifier go in the session."""
    found = provider()
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    params = {
        "response_type": "code",
        "client_id": settings.EID_OIDC_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": settings.EID_OIDC_SCOPES,
        "state": state,
        "nonce": secrets.token_urlsafe(32),
        "code_challenge": generate_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
    }
    if force_login:
        params["prompt"] = "login"
    add_state_and_verifier_and_nonce_to_session(request, state, params, verifier)
    return f"{found.authorization_endpoint}?{urlencode(params)}"


def complete_login(request, redirect_uri: str) -> Login:
    """The callback: checks state, exchanges the code, verifies the ID token, reads the
    personnummer. Raises ``SuspiciousOperation`` for anything a genuine login would not do."""
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states") or {}
    pending = states.pop(state, None) if state else None
    request.session["oidc_states"] = states
    if pending is None:
        raise SuspiciousOperation("unknown or reused OIDC state")
    code = request.GET.get("code", "")
    if not code:
        raise SuspiciousOperation("no authorisation code")
    backend = EidBackend(provider())
    try:
        token = backend.get_token(
            {
                "client_id": settings.EID_OIDC_CLIENT_ID,
                "client_secret": settings.EID_OIDC_CLIENT_SECRET,
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": pending["code_verifier"],
            }
        )
    except requests.RequestException as exc:
        raise EidUnavailable("E-legitimationstjänsten svarade inte på inloggningen.") from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SuspiciousOperation("no ID token")
    claims = backend.verify_token(id_token, nonce=pending["nonce"])
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] < time.time():
        raise SuspiciousOperation("expired ID token")
    try:
        number = pnr.normalise(str(claims.get(settings.EID_OIDC_CLAIM, "")))
    except ValidationError:
        raise SuspiciousOperation("the ID token has no valid personnummer") from None
    ref = hashlib.sha256(f"{claims.get('sub')}|{claims.get('iat')}".encode()).hexdigest()
    return Login(
        personnummer=number,
        given_name=str(claims.get("given_name", ""))[:100],
        family_name=str(claims.get("family_name", ""))[:100],
        issuer=backend.issuer,
        ref=ref,
        id_token=id_token,
    )


def end_session_url(id_token: str, post_logout_redirect_uri: str) -> str:
    """The broker's logout, when it has one; "" otherwise."""
    try:
        found = provider()
    except EidUnavailable:
        return ""
    if not found.end_session_endpoint:
        return ""
    query = urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": post_logout_redirect_uri}
    )
    return f"{found.end_session_endpoint}?{query}"
