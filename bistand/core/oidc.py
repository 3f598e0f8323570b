"""OpenID Connect token checks shared by staff login (bistand/staff/oidc.py) and applicants'
e-legitimation (bistand/eservice/eid.py), on top of mozilla-django-oidc's backend."""

from __future__ import annotations

import jwt
import requests
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class VerifyingOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's checks (signature, nonce) plus the issuer and the audience.

    Subclasses say which ``issuer`` they trust.
    """

    issuer: str = ""

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if self.issuer and payload.get("iss") != self.issuer:
            raise SuspiciousOperation("ID token from another issuer")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        return payload

    def retrieve_matching_jwk(self, token):
        """The provider's signing key. A token without a key id (``kid``) is accepted only
        when the provider publishes a single key for its algorithm; with a ``kid`` the key
        must match it (mozilla-django-oidc's own check)."""
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.get_settings("OIDC_TIMEOUT", None),
            proxies=self.get_settings("OIDC_PROXY", None),
        )
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("alg", self.OIDC_RP_SIGN_ALGO) == self.OIDC_RP_SIGN_ALGO
            and key.get("use", "sig") == "sig"
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("ID token without a key id, and not exactly one key")
        return jwt.PyJWK(keys[0])
