"""The worker's follow-up chore: keep the monthly figures fresh (``bistand worker`` calls
``refresh_periodically`` in its housekeeping, every five minutes).

* once an hour: the current and the previous month (and their year): new decisions, stickprov
  controls, closures;
* once a day (and when the worker starts): the current month and the 13 before it, as returns
  (a later application) change older cohorts' figures for up to 12 months.

Older months change only if the raw data is changed by hand; ``bistand followup refresh``
recomputes every month. Several workers may run this at once: a collision on the unique
constraint is logged and left to the next turn. Any other failure is logged and never stops
the worker: the pages then show when the figures were last computed.
"""

from __future__ import annotations

import logging
import time

from django.db import IntegrityError
from django.utils import timezone

from . import aggregates
from .measures.base import add_months, month_of

log = logging.getLogger(__name__)

HOURLY = 3600.0
DAILY = 24 * 3600.0
_last = {"hourly": None, "daily": None}


def refresh_periodically() -> int:
    """Refresh what is due; returns the number of rows written (0 when nothing was due)."""
    now = time.monotonic()
    try:
        if _last["daily"] is None or now - _last["daily"] >= DAILY:
            written = aggregates.refresh_recent()
            _last["daily"] = _last["hourly"] = now
            return written
        if now - _last["hourly"] >= HOURLY:
            current = month_of(timezone.now())
            written = aggregates.refresh(months=[add_months(current, -1), current])
            _last["hourly"] = now
            return written
    except IntegrityError:  # another worker wrote the same rows at the same moment
        log.warning("followup refresh collided with another worker; retried next turn")
    except Exception:  # the robot's queue matters more than a fresh chart: log, go on
        log.exception("followup refresh failed; the pages show the figures as last computed")
        # not again every five minutes: the next hour tries anew
        _last["hourly"] = now
        if _last["daily"] is None or now - _last["daily"] >= DAILY:
            _last["daily"] = now - DAILY + HOURLY
    return 0
