"""Who may use the API: the same people as the caseworker pages."""

from rest_framework.permissions import BasePermission

from bistand.staff import access
from bistand.staff.models import Role


class StaffWithRole(BasePermission):
    """A logged-in, active staff member with one of the roles; everyone else is refused.

    Which cases they see is decided per request by ``bistand.staff.access``: a case they may
    not see is "not found" (404), never "forbidden".
    """

    message = "Du har inte behörighet till Bistånds API."

    def has_permission(self, request, view) -> bool:
        return access.has_role(request.user, *Role.values)
