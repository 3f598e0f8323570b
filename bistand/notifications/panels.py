"""The notifications' panels on pages other apps own (bistand/core/extensions.py)."""

from __future__ import annotations

from django.urls import reverse

from bistand.cases.models import HouseholdMember

from . import services
from .models import ContactPreference


def staff_links(request, obj):
    return {"links": [(reverse("notifications:failed"), "Misslyckade aviseringar")]}


def case_panel(request, application):
    """Whether the household's adults consented (never the addresses), and failed notices."""
    adults = (
        HouseholdMember.objects.filter(
            household_id=application.case.household_id, role__in=("applicant", "partner")
        )
        .select_related("person")
        .order_by("role", "pk")
    )
    consenting = set(
        ContactPreference.objects.filter(person__in=[m.person_id for m in adults]).values_list(
            "person_id", flat=True
        )
    )
    seen, rows = set(), []
    for member in adults:
        if member.person_id in seen:
            continue
        seen.add(member.person_id)
        rows.append((member.get_role_display(), member.person_id in consenting))
    return {"rows": rows, "failed": list(services.failed_notices(application.case_id)[:10])}


def minasidor_home(request, person):
    return {"pref": services.preference(person)}
