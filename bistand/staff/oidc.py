"""Staff login with the municipality's identity provider (OpenID Connect).

The provider says who someone is; Bistånd decides whether that person is staff. The claim
named by ``STAFF_OIDC_CLAIM`` (default ``email``) is matched against an existing, active
user with a staff profile: by the user's e-mail address (``STAFF_OIDC_MATCH = "email"``) or
by the profile's login id (``"login_id"``, e.g. an employee number). Nobody is created by
logging in, and a personnummer is never used to find or name anyone.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation

from bistand.audit.payload import looks_like_personnummer
from bistand.core.oidc import VerifyingOIDCBackend

logger = logging.getLogger(__name__)

MATCH_FIELDS = {"email": "email__iexact", "login_id": "staff__login_id"}


def oidc_enabled() -> bool:
    return bool(settings.STAFF_OIDC_ENABLED)


def password_login_enabled() -> bool:
    """Passwords are accepted without an identity provider, or with one while DEBUG is on."""
    return bool(settings.DEBUG or not settings.STAFF_OIDC_ENABLED)


def axes_skips_oidc(request, credentials) -> bool:
    """django-axes counts failed *password* logins only.

    An OpenID Connect callback carries a one-time code, not a guessable secret, and has no
    username: counted, a few refused callbacks would lock out every login from one address
    (a whole office behind one NAT).
    """
    credentials = credentials or {}
    return "nonce" in credentials or "code_verifier" in credentials


class StaffOIDCBackend(VerifyingOIDCBackend):
    """Maps the provider's answer to an existing, active staff user, or refuses."""

    @property
    def issuer(self) -> str:
        return settings.OIDC_OP_ISSUER

    def verify_claims(self, claims) -> bool:
        value = claims.get(settings.STAFF_OIDC_CLAIM)
        return isinstance(value, str) and bool(value.strip())

    def filter_users_by_claims(self, claims):
        users = get_user_model().objects.none()
        value = claims.get(settings.STAFF_OIDC_CLAIM)
        if not isinstance(value, str) or not value.strip():
            return users
        if looks_like_personnummer(value):
            logger.warning(
                "OIDC login refused: claim %r looks like a personnummer; configure another "
                "claim (BISTAND_STAFF_OIDC_CLAIM)",
                settings.STAFF_OIDC_CLAIM,
            )
            return users
        lookup = MATCH_FIELDS.get(settings.STAFF_OIDC_MATCH)
        if lookup is None:
            logger.error(
                "OIDC login refused: BISTAND_STAFF_OIDC_MATCH must be one of %s",
                ", ".join(MATCH_FIELDS),
            )
            return users
        return get_user_model().objects.filter(
            is_active=True, staff__isnull=False, **{lookup: value.strip()}
        )

    def describe_user_by_claims(self, claims) -> str:
        return f"claim {settings.STAFF_OIDC_CLAIM}"  # never the value: it names a person

    def create_user(self, claims):
        raise SuspiciousOperation("Bistånd never creates a user at login")

    def update_user(self, user, claims):
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
