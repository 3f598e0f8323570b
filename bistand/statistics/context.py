"""The administrators' reminder of the monthly delivery to Socialstyrelsen: from the 1st to the
due day (the 15th, HSLF-FS 2015:30 3 §), on every staff page they see, with the number of
records that still block last month's delivery (counted at most every 10 minutes)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.utils import timezone

from bistand.rules.explain import month_sv
from bistand.rules.period import Month
from bistand.staff.access import has_role, profile
from bistand.staff.models import Role

from . import services

CACHE_SECONDS = 600
logger = logging.getLogger(__name__)


def reminder_for(municipality, today) -> dict | None:
    """The reminder's text and count on ``today``, or None outside the 1st–due day."""
    this = Month(today.year, today.month)
    month = Month(today.year - 1, 12) if today.month == 1 else Month(today.year, today.month - 1)
    try:
        due = services.due_date(month)
    except Exception:  # no layout for the month: the command says so; no reminder
        return None
    if today > due:
        return None
    key = f"statistics-blocking:{municipality.pk}:{month}"
    blocking = cache.get(key)
    if blocking is None:
        try:
            blocking = services.build(municipality, month).blocking_count
        except Exception:  # the reminder must never break the page it is on
            logger.exception("statistics reminder: the month's delivery could not be checked")
            blocking = -1
        cache.set(key, blocking, CACHE_SECONDS)
    return {
        "text": (
            f"Månadsstatistiken för {month_sv(str(month))} ska lämnas till Socialstyrelsen "
            f"senast den {due.day} {month_sv(str(this))}."
        ),
        "blocking": blocking,
        "month": str(month),
    }


def statistics_reminder(request) -> dict:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if match is not None and match.app_name == "eservice":
        return {}
    if not has_role(user, Role.ADMINISTRATOR):
        return {}
    staff = profile(user)
    if staff is None:
        return {}
    reminder = reminder_for(staff.municipality, timezone.localdate())
    return {"statistics_reminder": reminder} if reminder else {}
