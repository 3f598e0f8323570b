"""``bistand check``: an identity provider half configured is an error, not a surprise at the
first login."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register

from .oidc import MATCH_FIELDS

REQUIRED = {
    "OIDC_RP_CLIENT_SECRET": "BISTAND_STAFF_OIDC_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "BISTAND_STAFF_OIDC_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "BISTAND_STAFF_OIDC_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "BISTAND_STAFF_OIDC_USERINFO_ENDPOINT",
}


@register("security")
def check_staff_oidc(app_configs=None, **kwargs):
    if not settings.STAFF_OIDC_ENABLED:
        return []
    problems = [
        Error(f"{env} must be set when BISTAND_STAFF_OIDC_CLIENT_ID is.", id="staff.E001")
        for name, env in REQUIRED.items()
        if not getattr(settings, name, "")
    ]
    if settings.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")) and not settings.OIDC_OP_JWKS_ENDPOINT:
        problems.append(
            Error(
                "BISTAND_STAFF_OIDC_JWKS_ENDPOINT must be set: the ID token's signature is "
                f"checked against the provider's keys ({settings.OIDC_RP_SIGN_ALGO}).",
                id="staff.E002",
            )
        )
    if settings.STAFF_OIDC_MATCH not in MATCH_FIELDS:
        problems.append(
            Error(
                f"BISTAND_STAFF_OIDC_MATCH must be one of: {', '.join(MATCH_FIELDS)}.",
                id="staff.E003",
            )
        )
    if not settings.OIDC_OP_ISSUER:
        problems.append(
            Warning(
                "BISTAND_STAFF_OIDC_ISSUER is not set: the ID token's issuer is not checked.",
                id="staff.W001",
            )
        )
    return problems
