"""Plain-Swedish explanation of a trace document (new or archived).

Reads only the trace JSON, never the parameters or the rules, so an archived
trace renders the same way years later.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .household import ROLE_LABELS_SV
from .money import format_kr
from .trace import SECTION_TITLES_SV, TRACE_SCHEMA, TRACE_VERSION

MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

_DETAIL_TEXT = {
    "claimed": "yrkat {}",
    "cap": "kommunens riktlinje {}",
    "received": "mottaget {}",
    "full_amount": "helt belopp {}",
    "household_amount": "hushållets belopp {}",
    "table_amount": "tabellens belopp för 7 personer {}",
    "each_person_above_table": "per person utöver sju {}",
    "net_salary": "nettolön {}",
    "earlier_this_year": "tidigare i år {}",
    "exempt_used_this_month": "redan undantaget denna månad {}",
    "exempt_remaining": "kvar att undanta {}",
}


def month_sv(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTHS_SV[int(number) - 1]} {year}"


def _who(member: str | None, roles: dict[str, str]) -> str:
    if not member:
        return ""
    names = [f"{ROLE_LABELS_SV.get(roles.get(m, ''), 'person')} {m}" for m in member.split("+")]
    return " och ".join(names)


def _details(detail: dict[str, Any]) -> str:
    parts = [
        template.format(format_kr(Decimal(detail[key])))
        for key, template in _DETAIL_TEXT.items()
        if key in detail
    ]
    return "; ".join(parts)


def render(trace: dict[str, Any]) -> str:
    """The calculation in Swedish, line by line with the legal source of each figure."""
    if trace.get("schema") != TRACE_SCHEMA or trace.get("version") != TRACE_VERSION:
        raise ValueError(
            f"okänd beräkningslogg: {trace.get('schema')} version {trace.get('version')}"
        )
    roles = {m["id"]: m["role"] for m in trace["input"]["members"]}
    totals = trace["totals"]
    out = [f"Beräkning av försörjningsstöd för {month_sv(trace['month'])}", ""]
    local = [p for p in trace["parameters"] if p["id"].startswith("local.")]
    if local:
        out += [f"Kommunala riktlinjer: {local[0]['title']} ({local[0]['reference']}).", ""]
    else:
        out += [
            "Inga kommunala riktlinjer är angivna; yrkade kostnader godtas och prövas "
            "av handläggaren.",
            "",
        ]

    sums = {
        "norm": totals["norm"],
        "costs": totals["reasonable_costs"],
        "income": totals["counted_income"],
    }
    for section, title in SECTION_TITLES_SV.items():
        lines = [line for line in trace["lines"] if line["section"] == section]
        out.append(title)
        if not lines:
            out.append("  (inga)")
        for line in lines:
            who = _who(line.get("member"), roles)
            label = f"{line['label']}, {who}" if who else line["label"]
            out.append(f"  {label}: {format_kr(Decimal(line['amount']))}")
            detail = _details(line.get("detail") or {})
            if detail:
                out.append(f"      ({detail})")
            parameter = line.get("parameter") or {}
            source = f"Enligt {line['reference']}"
            if parameter and parameter["reference"] != line["reference"]:
                source += f"; belopp enligt {parameter['reference']}"
            if parameter.get("status") == "provisional":
                source += " (preliminärt belopp, ej kontrollerat mot författningstexten)"
            out.append(f"      {source}.")
        out.append(f"  Summa: {format_kr(Decimal(sums[section]))}")
        out.append("")

    need, income = Decimal(totals["need"]), Decimal(totals["counted_income"])
    out.append(f"Behov (riksnorm och skäliga kostnader): {format_kr(need)}")
    out.append(f"Inkomster som räknas: {format_kr(income)}")
    if Decimal(totals["surplus"]) > 0:
        out.append(f"Inkomsterna är {format_kr(Decimal(totals['surplus']))} högre än behovet.")
    rounding = trace["rounding"]
    out.append(
        f"Försörjningsstöd för månaden: {format_kr(Decimal(totals['amount']))} "
        f"(före avrundning {format_kr(Decimal(totals['before_rounding']))}; avrundning: "
        f"{rounding['parameter']['reference']})."
    )
    if trace["flags"]:
        out += ["", "Att pröva:"]
        out += [f"  - {flag['message']}" for flag in trace["flags"]]
    return "\n".join(out) + "\n"
