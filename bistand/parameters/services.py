"""Readiness warnings and the dry run of a candidate parameter version.

* ``current_warnings()``: the months needed soon that lack a table (rules.readiness), with the
  lead time from ``settings.PARAMETER_LEAD_DAYS`` (BISTAND_PARAMETER_LEAD_DAYS, default 31:
  from 1 December next January is checked too).
* ``log_warnings_daily()``: the worker's housekeeping calls it; it logs the warnings once a day.
* ``dry_run(files, month)``: the month's pending proposals (state ``proposal_ready``)
  recalculated with candidate YAML files overlaid on the parameters in force; nothing is
  written. The rules input is the robot's own (``robot.pipeline.rules_input``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from bistand.cases.models import Application, State
from bistand.rules import calculate_json
from bistand.rules.errors import RulesError
from bistand.rules.money import to_ore
from bistand.rules.parameters import ParameterStore, default_store
from bistand.rules.period import Month
from bistand.rules.readiness import DEFAULT_LEAD_DAYS, Warning, warnings

log = logging.getLogger(__name__)


def lead_days() -> int:
    return int(getattr(settings, "PARAMETER_LEAD_DAYS", DEFAULT_LEAD_DAYS))


def today() -> date:
    return timezone.localdate()


def current_warnings(store: ParameterStore | None = None, on: date | None = None) -> list[Warning]:
    return warnings(store or default_store(), on or today(), lead_days())


_logged_on: date | None = None


def log_warnings_daily(on: date | None = None) -> list[Warning]:
    """Log the readiness warnings, at most once a calendar day per process."""
    global _logged_on
    day = on or today()
    if _logged_on == day:
        return []
    _logged_on = day
    found = current_warnings(on=day)
    for warning in found:
        log.warning("parametrar: %s", warning.text_sv())
    return found


# --------------------------------------------------------------------------- dry run


@dataclass(frozen=True, slots=True)
class DryRunItem:
    application_id: int
    before_ore: int | None  # the proposal's amount; None when the robot could not calculate
    after_ore: int | None  # with the candidate; None when it cannot be calculated
    error: str = ""

    @property
    def change_ore(self) -> int | None:
        if self.before_ore is None or self.after_ore is None:
            return None
        return self.after_ore - self.before_ore

    def to_json(self) -> dict[str, Any]:
        return {
            "application": self.application_id,
            "before_ore": self.before_ore,
            "after_ore": self.after_ore,
            "change_ore": self.change_ore,
            **({"error": self.error} if self.error else {}),
        }


@dataclass(slots=True)
class DryRun:
    month: str
    files: list[str]
    items: list[DryRunItem] = field(default_factory=list)

    @property
    def changed(self) -> list[DryRunItem]:
        return [i for i in self.items if i.change_ore]

    @property
    def newly_calculable(self) -> list[DryRunItem]:
        return [i for i in self.items if i.before_ore is None and i.after_ore is not None]

    @property
    def failing(self) -> list[DryRunItem]:
        return [i for i in self.items if i.after_ore is None]

    def summary(self) -> dict[str, Any]:
        changes = [i.change_ore for i in self.changed]
        return {
            "month": self.month,
            "files": self.files,
            "pending": len(self.items),
            "changed": len(changes),
            "unchanged": sum(1 for i in self.items if i.change_ore == 0),
            "newly_calculable": len(self.newly_calculable),
            "failing": len(self.failing),
            "total_change_ore": sum(changes),
            "min_change_ore": min(changes) if changes else None,
            "max_change_ore": max(changes) if changes else None,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.summary(), "applications": [i.to_json() for i in self.items]}


def pending_proposals(month: str):
    return (
        Application.objects.filter(month=month, state=State.PROPOSAL_READY)
        .select_related("case__municipality", "proposal")
        .order_by("pk")
    )


def dry_run(files: list[Path], month: str, store: ParameterStore | None = None) -> DryRun:
    """Recalculate the month's pending proposals with ``files`` overlaid; changes nothing.

    Raises ParameterFileError (naming the file and field) when a candidate file is invalid.
    """
    candidate = (store or default_store()).overlay(files)
    return recalculate_pending(candidate, month, [str(f) for f in files])


def dry_run_texts(
    documents: list[tuple[str, str]], month: str, store: ParameterStore | None = None
) -> DryRun:
    """``dry_run`` for files given as (name, YAML text), as the admin page receives them."""
    candidate = (store or default_store()).overlay_texts(documents)
    return recalculate_pending(candidate, month, [name for name, _ in documents])


def recalculate_pending(candidate: ParameterStore, month: str, files: list[str]) -> DryRun:
    from bistand.robot.pipeline import rules_input  # the robot's input, not a copy of it

    month = str(Month.parse(month, "--month"))
    run = DryRun(month, files)
    for application in pending_proposals(month):
        proposal = getattr(application, "proposal", None)
        before = (
            proposal.amount_ore
            if proposal is not None and proposal.calculation_id is not None
            else None
        )
        guidelines = application.case.municipality.guidelines or None
        try:
            result = calculate_json(rules_input(application, guidelines), candidate)
        except RulesError as exc:
            run.items.append(DryRunItem(application.pk, before, None, str(exc)))
            continue
        run.items.append(DryRunItem(application.pk, before, to_ore(result.amount)))
    return run
