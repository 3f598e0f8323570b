"""Who may see and do what. Every view and API endpoint goes through these functions.

* A caseworker (handläggare) and a team lead (gruppledare) see the cases of their units.
* An administrator and an auditor (granskare) see every case of their municipality; the
  auditor only reads.
* A case with protected identity (``Case.restricted``) is visible only to staff granted it.
* Anything not visible is "not found" (404), never "forbidden", so its existence does not leak.
* Opening a case writes the access log (lag 2001:454), with the purpose.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from bistand.audit.services import record_access
from bistand.cases.models import Application, Case

from .models import Role, StaffProfile

DECIDERS = frozenset({Role.CASEWORKER, Role.TEAM_LEAD})
MUNICIPALITY_WIDE = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})


def profile(user) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.staff
    except StaffProfile.DoesNotExist:
        return None


def roles(user) -> frozenset[str]:
    if profile(user) is None:
        return frozenset()
    cached = getattr(user, "_bistand_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._bistand_roles = cached
    return cached


def has_role(user, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def require_role(user, *wanted: str) -> StaffProfile:
    """The user's profile if they have one of the roles; otherwise PermissionDenied."""
    staff = profile(user)
    if staff is None or not has_role(user, *wanted):
        raise PermissionDenied("Du har inte behörighet till den här sidan.")
    return staff


def cases_visible_to(user) -> QuerySet[Case]:
    staff = profile(user)
    held = roles(user)
    if staff is None or not held:
        return Case.objects.none()
    cases = Case.objects.filter(municipality_id=staff.municipality_id)
    if not held & MUNICIPALITY_WIDE:
        cases = cases.filter(unit__in=staff.units.all())
    if not staff.protected_identity_access:
        cases = cases.filter(restricted=False)
    return cases


def applications_visible_to(user) -> QuerySet[Application]:
    return Application.objects.filter(case__in=cases_visible_to(user))


def open_case(user, case_id: int, *, purpose: str, view: str) -> Case:
    """The case if the user may see it (and the access is logged); otherwise 404."""
    case = cases_visible_to(user).filter(pk=case_id).select_related("municipality", "unit").first()
    if case is None:
        raise Http404("Ärendet finns inte.")
    record_access(user, case_id=case.pk, purpose=purpose, view=view)
    return case


def can_decide(user) -> bool:
    return has_role(user, *DECIDERS)
