"""The Content-Security-Policy: django-csp's middleware, with the identity providers' origins
added to ``form-action`` from the settings as they are at each response.

Logging out is a form (``POST``) whose answer redirects to the identity provider's end-session
endpoint (the e-ID broker's for applicants, the municipality's for staff). Browsers apply
``form-action`` to the redirects that follow a form, so those origins must be allowed; the
e-ID broker's end-session endpoint is known only from its discovery document. The policy
itself is ``CONTENT_SECURITY_POLICY`` in settings.py; docs/security.md explains each part.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings


def origin(url: str) -> str | None:
    parts = urlsplit((url or "").strip())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def identity_provider_origins() -> list[str]:
    """Where a logout form may be redirected: the e-ID broker (its issuer, and its
    end-session endpoint once discovered) and the staff identity provider's end-session."""
    urls = [settings.EID_OIDC_ISSUER, settings.OIDC_OP_END_SESSION_ENDPOINT]
    if settings.EID_OIDC_ISSUER:
        from bistand.eservice import eid

        cached = eid._discovered.get(settings.EID_OIDC_ISSUER)
        if cached:
            urls.append(cached[1].end_session_endpoint)
    return sorted({found for found in map(origin, urls) if found})


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False):
        parts = super().get_policy_parts(request, response, report_only)
        origins = identity_provider_origins()
        if origins and not report_only:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", ()), *origins]
            parts.update = update
        return parts
