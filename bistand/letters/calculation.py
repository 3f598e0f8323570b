"""The letter's appendix "Beräkning": the archived trace as tables, line by line.

Reads only the archived trace (as ``bistand.rules.explain.render`` does), never the
parameters or the rules, so a letter shows the calculation the decision was based on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# explain has no public per-line API; its _details is the wording the caseworker sees too.
from bistand.rules.explain import _details as explain_details
from bistand.rules.explain import month_sv
from bistand.rules.household import CASE_ROLES, CHILD, ROLE_LABELS_SV
from bistand.rules.money import format_kr
from bistand.rules.trace import SECTION_TITLES_SV, TRACE_SCHEMA, TRACE_VERSION

PROVISIONAL_NOTE = "preliminärt belopp, ej kontrollerat mot författningstexten"


@dataclass
class Row:
    label: str
    amount: str
    source: str
    detail: str = ""


@dataclass
class Section:
    title: str
    rows: list[Row]
    total: str


@dataclass
class Appendix:
    month: str
    guidelines: str
    sections: list[Section]
    need: str
    counted_income: str
    surplus: str  # "" when the income does not exceed the need
    amount: str
    before_rounding: str
    rounding_reference: str
    household: str  # "2 vuxna och 1 barn"
    references: list[str] = field(default_factory=list)  # every legal reference applied
    capped_costs: list[str] = field(default_factory=list)  # costs accepted only up to a cap


def check_trace(trace: dict[str, Any]) -> None:
    if trace.get("schema") != TRACE_SCHEMA or trace.get("version") != TRACE_VERSION:
        raise ValueError(
            f"okänd beräkningslogg: {trace.get('schema')} version {trace.get('version')}"
        )


def member_names(trace: dict[str, Any]) -> dict[str, str]:
    """Member id → how the letter names them: "sökande", "medsökande", "barn 1", …"""
    names: dict[str, str] = {}
    children = [m for m in trace["input"]["members"] if m["role"] == CHILD]
    for member in trace["input"]["members"]:
        label = ROLE_LABELS_SV.get(member["role"], "person")
        if member["role"] == CHILD and len(children) > 1:
            label = f"barn {children.index(member) + 1}"
        names[member["id"]] = label
    return names


def household_text(trace: dict[str, Any]) -> str:
    in_case = [m for m in trace["input"]["members"] if m["role"] in CASE_ROLES]
    adults = sum(1 for m in in_case if m["role"] != CHILD)
    children = len(in_case) - adults
    text = "1 vuxen" if adults == 1 else f"{adults} vuxna"
    if children:
        text += f" och {children} barn"
    others = len(trace["input"]["members"]) - len(in_case)
    if others:
        text += f"; dessutom bor {others} {'person' if others == 1 else 'personer'} i hushållet "
        text += "som inte ingår i ansökan"
    return text


def _kr(value: str) -> str:
    return format_kr(Decimal(value))


def _source(line: dict[str, Any]) -> str:
    source = line["reference"]
    parameter = line.get("parameter") or {}
    if parameter and parameter["reference"] != line["reference"]:
        source += f"; belopp enligt {parameter['reference']}"
    if parameter.get("status") == "provisional":
        source += f" ({PROVISIONAL_NOTE})"
    return source


def appendix(trace: dict[str, Any]) -> Appendix:
    """The calculation as the letter shows it; raises ``ValueError`` for an unknown trace."""
    check_trace(trace)
    names = member_names(trace)
    totals = trace["totals"]
    local = [p for p in trace["parameters"] if p["id"].startswith("local.")]
    guidelines = (
        f"Kommunala riktlinjer: {local[0]['reference']}."
        if local
        else "Inga kommunala riktlinjer är angivna; de kostnader som har yrkats har prövats "
        "av handläggaren."
    )
    section_totals = {
        "norm": totals["norm"],
        "costs": totals["reasonable_costs"],
        "income": totals["counted_income"],
    }
    sections = []
    references: list[str] = []
    capped: list[str] = []
    for key, title in SECTION_TITLES_SV.items():
        rows = []
        for line in (line for line in trace["lines"] if line["section"] == key):
            who = " och ".join(
                names.get(m, "person") for m in (line.get("member") or "").split("+") if m
            )
            detail = line.get("detail") or {}
            rows.append(
                Row(
                    label=f"{line['label']}, {who}" if who else line["label"],
                    amount=_kr(line["amount"]),
                    source=_source(line),
                    # The explanation's own wording of the facts behind a figure.
                    detail=explain_details(detail),
                )
            )
            for reference in (line["reference"], (line.get("parameter") or {}).get("reference")):
                if reference and reference not in references:
                    references.append(reference)
            if "claimed" in detail and "cap" in detail:
                capped.append(
                    f"{line['label']}: {_kr(detail['claimed'])} har yrkats; kommunens riktlinje "
                    f"är {_kr(detail['cap'])}, och {_kr(detail['cap'])} har godtagits."
                )
        sections.append(Section(title=title, rows=rows, total=_kr(section_totals[key])))
    surplus = Decimal(totals["surplus"])
    return Appendix(
        month=month_sv(trace["month"]),
        guidelines=guidelines,
        sections=sections,
        need=_kr(totals["need"]),
        counted_income=_kr(totals["counted_income"]),
        surplus=format_kr(surplus) if surplus > 0 else "",
        amount=_kr(totals["amount"]),
        before_rounding=_kr(totals["before_rounding"]),
        rounding_reference=trace["rounding"]["parameter"]["reference"],
        household=household_text(trace),
        references=references,
        capped_costs=capped,
    )
