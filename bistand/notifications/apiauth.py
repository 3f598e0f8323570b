"""The applicant's own API endpoints (Mina sidor): the e-service session (the e-ID login),
not a staff login; unsafe methods need the CSRF token, as the pages do."""

from __future__ import annotations

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission


class ApplicantSession(BasePermission):
    """A logged-in applicant (``request.applicant``); everyone else is refused (403)."""

    message = "Logga in på Mina sidor med e-legitimation."

    def has_permission(self, request, view) -> bool:
        from bistand.eservice.session import current_person

        person = current_person(request._request)
        if person is None:
            return False
        if request.method not in SAFE_METHODS:
            # DRF views are csrf_exempt and only SessionAuthentication checks the token, for a
            # logged-in Django user; the applicant is not one, so the check is made here.
            SessionAuthentication().enforce_csrf(request)
        request.applicant = person
        return True
