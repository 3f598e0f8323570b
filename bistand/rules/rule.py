"""Marking rule functions with their id and legal reference.

Every rule is a small function decorated with ``@rule(id, reference)``. The
decorator only attaches the two attributes (no wrapper, so no cost per call)
and registers the function, so docs and tests can list every rule and its
source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

RULES: dict[str, Callable[..., Any]] = {}

# Legal references used by several rules, written once.
SOF_RIKSNORM = "Socialtjänstförordningen (2025:468) 12 kap. 2 §"
SOF_LARGE_HOUSEHOLD = "Socialtjänstförordningen (2025:468) 12 kap. 3 § första stycket"
SOF_SHARED_HOUSEHOLD = "Socialtjänstförordningen (2025:468) 12 kap. 3 § andra stycket"
SOL_REASONABLE_COSTS = "Socialtjänstlagen (2025:400) 12 kap. 7 §"
SOL_NEEDS_TEST = "Socialtjänstlagen (2025:400) 12 kap. 1 §"
SOL_CHILD_WORK_INCOME = (
    "4 kap. 1 a § SoL (2001:453) i lydelse enligt SFS 2013:421, "
    "nu motsvarande bestämmelse i 12 kap. SoL (2025:400)"
)
SOSFS_PART_TIME = "SOSFS 2013:1 (allmänna råd om ekonomiskt bistånd), hushållsgemenskap"


def rule(rule_id: str, reference: str, *, cites_parameter: bool = False) -> Callable[[F], F]:
    """Mark a rule. ``cites_parameter``: the rule only applies a table, so its lines cite the
    table version's own (dated) reference, e.g. the riksnorm of the month in question."""

    def mark(fn: F) -> F:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is defined twice")
        fn.rule_id = rule_id  # type: ignore[attr-defined]
        fn.reference = reference  # type: ignore[attr-defined]
        fn.cites_parameter = cites_parameter  # type: ignore[attr-defined]
        RULES[rule_id] = fn
        return fn

    return mark
