"""The result of a calculation and its trace.

A ``Result`` holds the lines the rules produced. ``Result.trace()`` turns them
into the archived trace document (JSON, ``schema``/``version`` below). The
document is self-contained: the normalised input, every parameter version
used (with its legal reference and source), every line with its rule and
legal reference, the flags and the totals. ``explain.render`` turns a trace
document, new or years old, into Swedish text.

Changing the document's shape means a new ``TRACE_VERSION`` and a renderer
that still reads the old ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .money import Exact, add, decimal_str, subtract
from .parameters import Value

TRACE_SCHEMA = "bistand.rules.trace"
TRACE_VERSION = 1

# Sections of a calculation, in the order they are shown.
NORM, COSTS, INCOME = "norm", "costs", "income"
SECTION_TITLES_SV = {
    NORM: "Riksnormen",
    COSTS: "Skäliga kostnader utöver riksnormen",
    INCOME: "Inkomster",
}

# Flag codes the rules engine raises.
PROVISIONAL_PARAMETER = "PROVISIONAL_PARAMETER"
COST_ABOVE_CAP = "COST_ABOVE_CAP"


class Line:
    """One line of the calculation: what, how much, by which rule and source.

    ``amount`` is what the line adds to its section (income lines: what is
    counted). ``detail`` carries the facts behind the figure (claimed amount,
    cap, days …) for the explanation.
    """

    __slots__ = ("amount", "detail", "label", "member", "reference", "rule", "section", "value")

    def __init__(
        self,
        section: str,
        rule: Any,
        label: str,
        amount: Exact,
        member: str | None = None,
        value: Value | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        self.section = section
        self.rule = rule
        self.label = label
        self.amount = amount
        self.member = member
        self.value = value
        self.detail = detail
        self.reference: str | None = None  # overrides the rule's reference (e.g. an exemption's)

    def legal_reference(self) -> str:
        """The reference that decides this line: its own, the dated table's, or the rule's."""
        if self.reference is not None:
            return self.reference
        if self.value is not None and self.rule.cites_parameter:
            return self.value.reference
        return self.rule.reference

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "section": self.section,
            "rule": self.rule.rule_id,
            "label": self.label,
            "amount": decimal_str(self.amount),
            "reference": self.legal_reference(),
        }
        if self.member is not None:
            data["member"] = self.member
        if self.value is not None:
            data["parameter"] = self.value.cite()
        if self.detail:
            data["detail"] = {
                k: decimal_str(v) if isinstance(v, Decimal) else v for k, v in self.detail.items()
            }
        return data


class Flag:
    """Something a person should look at, in plain Swedish, with the evidence.

    ``message`` may be given as a function of the evidence, so that the Swedish
    sentence is only written when somebody reads it.
    """

    __slots__ = ("_message", "code", "evidence")

    def __init__(
        self, code: str, message: str | Callable[[dict[str, Any]], str], evidence: dict[str, Any]
    ) -> None:
        self.code = code
        self._message = message
        self.evidence = evidence

    @property
    def message(self) -> str:
        if callable(self._message):
            self._message = self._message(self.evidence)
        return self._message

    def __repr__(self) -> str:
        return f"Flag({self.code!r}, {self.message!r})"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "evidence": {
                k: decimal_str(v) if isinstance(v, Decimal) else v for k, v in self.evidence.items()
            },
        }


@dataclass(slots=True)
class Result:
    """A month's calculation: the amount, the totals and every line behind them."""

    input: Any  # HouseholdMonth
    lines: list[Line]
    flags: list[Flag]
    norm: Exact  # exact; a Fraction only when a part-time share does not terminate
    costs: Decimal
    income: Exact
    before_rounding: Exact
    amount: Decimal  # the one rounded figure
    provisional: bool
    parameters: list[dict[str, Any]]
    rounding: dict[str, Any]
    engine_version: str

    @property
    def need(self) -> Exact:
        return add(self.norm, self.costs)

    @property
    def surplus(self) -> Exact:
        """Income above the need (överskott); 0 when there is a need."""
        need = self.need
        return subtract(self.income, need) if self.income > need else Decimal(0)

    def totals(self) -> dict[str, str]:
        return {
            "norm": decimal_str(self.norm),
            "reasonable_costs": decimal_str(self.costs),
            "need": decimal_str(self.need),
            "counted_income": decimal_str(self.income),
            "surplus": decimal_str(self.surplus),
            "before_rounding": decimal_str(self.before_rounding),
            "amount": decimal_str(self.amount),
        }

    def trace(self) -> dict[str, Any]:
        """The archived trace document (JSON-serialisable)."""
        return {
            "schema": TRACE_SCHEMA,
            "version": TRACE_VERSION,
            "engine": {"name": "bistand.rules", "version": self.engine_version},
            "month": str(self.input.month),
            "guidelines": self.input.guidelines,
            "input": self.input.to_json(),
            "parameters": self.parameters,
            "lines": [line.to_json() for line in self.lines],
            "flags": [flag.to_json() for flag in self.flags],
            "rounding": self.rounding,
            "totals": self.totals(),
            "provisional": self.provisional,
        }

    def to_json(self) -> dict[str, Any]:
        """What ``bistand calculate`` prints: the amount and totals first, then the trace."""
        return {
            "month": str(self.input.month),
            "amount": decimal_str(self.amount),
            "norm": decimal_str(self.norm),
            "accepted_costs": decimal_str(self.costs),
            "counted_incomes": decimal_str(self.income),
            "need": decimal_str(self.need),
            "surplus": decimal_str(self.surplus),
            "provisional": self.provisional,
            "flags": [flag.to_json() for flag in self.flags],
            "trace": self.trace(),
        }
