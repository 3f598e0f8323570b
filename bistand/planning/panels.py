"""The planning meeting's panels on pages other apps own (bistand/core/extensions.py)."""

from __future__ import annotations

from django.urls import reverse

from . import services


def staff_links(request, obj):
    return {"links": [(reverse("planning:queue"), "Planeringsmöten")]}


def case_panel(request, application):
    case = application.case
    start = services.arrival(case)
    return {
        "application": application,
        "bookings": list(services.case_bookings(case)[:5]),
        "current": services.current_booking(case),
        "arrival": start,
        "invitation": services.open_invitation(case),
        "may_plan": services.can_plan(request.user),
    }


def minasidor_home(request, person):
    case = services.offer_for(person)
    if case is None:
        return None
    return {"booking": services.current_booking(case)}
