"""Where a domain app puts its part of a page it does not own.

The case view (bistand/workspace), the applicant's Mina sidor pages (bistand/eservice) and the
caseworker's queue page are owned by their apps; the law's later concepts (kommunicering,
överklagande, nödbistånd, aktivitetskrav, planeringsmöten …) live in apps of their own and
register a *panel* here from their ``AppConfig.ready``::

    extensions.register(extensions.CASE, "kommunicering/_case_panel.html", case_panel, order=20)

A panel is a template and a function ``(request, obj) -> dict | None`` that returns the
template's context, or ``None`` when the panel has nothing to show. The page's own view has
already checked that the user may see ``obj`` (and logged the access); a panel only reads.
A page slot without its object (``None``) renders no panels, so a panel always gets one.
Pages render their slot with ``{% panels "<slot>" obj %}`` (bistand/core/templatetags).

Slots and what ``obj`` is:

* ``CASE``: the caseworker's case view, ``obj`` = the Application shown (``request.user``
  is staff; the panel's own actions check permissions again in their views);
* ``STAFF_LINKS``: links above the queues, ``obj`` = None; the template gets ``links``;
* ``MINASIDOR_HOME``: the applicant's start page, ``obj`` = the applicant (cases.Person,
  ``request.applicant``);
* ``MINASIDOR_APPLICATION``: one application on Mina sidor, ``obj`` = the Application
  (already checked to be the applicant's own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CASE = "case"
STAFF_LINKS = "staff_links"
MINASIDOR_HOME = "minasidor_home"
MINASIDOR_APPLICATION = "minasidor_application"
SLOTS = (CASE, STAFF_LINKS, MINASIDOR_HOME, MINASIDOR_APPLICATION)

ContextFunction = Callable[[Any, Any], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Panel:
    template: str
    context: ContextFunction
    order: int = 100


_registry: dict[str, list[Panel]] = {slot: [] for slot in SLOTS}


def register(slot: str, template: str, context: ContextFunction, *, order: int = 100) -> None:
    """Add a panel to ``slot``; registering the same template twice (a second ``ready()``
    in tests) replaces the first."""
    if slot not in _registry:
        raise ValueError(f"unknown panel slot {slot!r}; one of {', '.join(SLOTS)}")
    panels = [p for p in _registry[slot] if p.template != template]
    panels.append(Panel(template, context, order))
    panels.sort(key=lambda p: (p.order, p.template))
    _registry[slot] = panels


def panels(slot: str) -> list[Panel]:
    return list(_registry[slot])
