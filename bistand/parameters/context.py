"""Template context for staff pages: the parameter readiness warning (administrators and team
leads only; everyone else, and the applicant's pages, get nothing)."""

from __future__ import annotations

from django.urls import reverse

from bistand.staff.access import has_role
from bistand.staff.models import Role

from .services import current_warnings

SEES_WARNING = (Role.ADMINISTRATOR, Role.TEAM_LEAD)


def sees_warning(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *SEES_WARNING)


def parameter_warnings(request) -> dict:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.app_name == "eservice":
        return {}
    if not sees_warning(getattr(request, "user", None)):
        return {}
    found = current_warnings()
    if not found:
        return {}
    return {
        "parameter_warnings": [w.text_sv() for w in found],
        "parameter_help_url": reverse("parameters:help"),
    }
