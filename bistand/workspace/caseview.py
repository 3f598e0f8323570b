"""What the case view shows, gathered from the application, the register answers, the
archived calculation and the case's history. Never an address; personnummer masked.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bistand.cases import membership
from bistand.cases import personnummer as pnr
from bistand.cases.models import CONFIRMED, Application, State
from bistand.decisions import review
from bistand.decisions.models import Decision, Proposal
from bistand.robot.checks import INCOME_SOURCE, SOURCE_SV, residence_sv
from bistand.robot.models import RegisterFetch
from bistand.robot.pipeline import previous_declared
from bistand.rules.explain import month_sv
from bistand.rules.explain import render as explain_render
from bistand.rules.household import ROLE_LABELS_SV
from bistand.rules.money import format_kr
from bistand.rules.trace import SECTION_TITLES_SV

UNKNOWN = "okänt – källan svarade inte"
ADULT_ROLES = ("applicant", "partner")

EVIDENCE_LABELS = {
    "source": "Källa",
    "person": "Person",
    "reason": "Orsak",
    "income_type": "Inkomstslag",
    "register": "Enligt register",
    "declared": "Enligt ansökan",
    "amount": "Belopp",
    "previous": "Förra månaden",
    "current": "Denna månad",
    "cost_type": "Kostnad",
    "added": "Tillkomna personer",
    "removed": "Försvunna personer",
    "not_in_application": "Folkbokförda på adressen men inte i ansökan",
    "not_registered_there": "I ansökan men inte folkbokförda där",
    "registration": "Registreringsnummer",
    "asset_type": "Tillgång",
    "value": "Värde",
    "description": "Beskrivning",
    "claimed": "Yrkat",
    "cap": "Riktlinje",
    "household": "Hushåll",
    "reference": "Källa för riktlinjen",
    "label": "Kostnad",
    "parameters": "Tabeller",
    "stage": "Steg",
    "month": "Månad",
    "consent": "Svar om samtycke",
    "attachment": "Samtycket som bilaga",
    "valid_until": "Tillståndet gällde till och med",
    "residence": "Enligt Migrationsverket",
    "legal_source": "Rättskälla",
    # the aktivitetskrav's and Arbetsförmedlingen's flags (bistand/aktivitetskrav/checks.py)
    "months_in_row": "Månader i följd med försörjningsstöd",
    "threshold": "Kravet gäller efter (månader)",
    "parameter": "Parameter",
    "absences": "Frånvaro",
    "received": "Mottagen",
    "period_start": "Från",
    "period_end": "Till",
}


def _evidence_item(value) -> str:
    """One item of a list in a flag's evidence, as a caseworker reads it: an absence
    ({"day": …, "reason": …}) as "2026-12-04 (vård av sjukt barn)", not as a Python dict."""
    if isinstance(value, dict):
        head = value.get("day") or value.get("month") or ""
        rest = ", ".join(str(v) for k, v in value.items() if k not in ("day", "month") and v)
        return f"{head} ({rest})" if head and rest else str(head or rest)
    return str(value)


MONEY_EVIDENCE = {
    "register",
    "declared",
    "amount",
    "previous",
    "current",
    "value",
    "claimed",
    "cap",
}

DETAIL_TEXT = {
    "claimed": "yrkat",
    "cap": "kommunens riktlinje",
    "not_accepted": "godtas inte",
    "received": "mottaget",
    "full_amount": "helt belopp",
    "household_amount": "hushållets belopp",
    "net_salary": "nettolön",
    "earlier_this_year": "tidigare i år",
    "exempt_remaining": "kvar att undanta",
}


def kr(value: Any) -> str:
    return format_kr(Decimal(str(value)))


# --------------------------------------------------------------------------- household


@dataclass
class MemberRow:
    pk: int
    role: str
    name: str
    masked: str
    protected: bool
    adult: bool
    basis: str
    unconfirmed: bool
    other_cases: list[str]


def household(application: Application) -> list[MemberRow]:
    """The household in the application's month, with how each membership came about; an
    adult who is also a confirmed member of another household is marked for staff to resolve
    (cases.membership)."""
    day = date.fromisoformat(f"{application.month}-01")
    members = application.case.household.members_on(day)
    order = {"applicant": 0, "partner": 1, "child": 2, "other": 3}
    rows = []
    for m in sorted(members, key=lambda m: (order.get(m.role, 9), m.pk)):
        adult = m.role in membership.ADULT_ROLES
        others = (
            [c.reference for c in membership.cases_of(m.person) if c.pk != application.case_id]
            if adult
            else []
        )
        rows.append(
            MemberRow(
                pk=m.pk,
                role=m.get_role_display(),
                name=f"{m.person.given_name} {m.person.family_name}".strip() or "–",
                masked=m.person.masked,
                protected=m.person.protected_identity,
                adult=adult,
                basis=m.get_basis_display(),
                unconfirmed=adult and m.basis not in CONFIRMED,
                other_cases=others,
            )
        )
    return rows


# ------------------------------------------------------------------- application vs registers


@dataclass
class IncomeRow:
    who: str
    income: str
    declared: str  # "" when the application has none
    register: str  # an amount, UNKNOWN, "" (none), or "hämtas inte"
    source: str
    status: str
    discrepancy: bool


@dataclass
class SourceRow:
    source: str
    known: bool
    reason: str
    facts: list[str]


@dataclass
class PersonRegister:
    who: str
    sources: list[SourceRow]


def _who(role: str, personnummer: str) -> str:
    return f"{ROLE_LABELS_SV.get(role, role)} ({pnr.mask(personnummer)})"


def _facts(record: dict[str, Any], incomes: dict[str, str]) -> str:
    kind = record.get("kind")
    if kind == "payment":
        label = incomes.get(record.get("income_type", ""), record.get("income_type", "utbetalning"))
        paid = f", utbetald {record['paid_on']}" if record.get("paid_on") else ""
        return f"{label}: {kr(record.get('amount', '0'))}{paid}"
    if kind == "registration":
        if not record.get("registered"):
            return "Inte inskriven som arbetssökande"
        planning = "aktiv planering" if record.get("planning_active") else "ingen aktiv planering"
        return (
            f"Inskriven som arbetssökande sedan {record.get('registered_since', '?')}, {planning}"
        )
    if kind == "population_register":
        # Never the address, never the others' personnummer: only how many.
        count = len(record.get("persons", []))
        persons = "person folkbokförd" if count == 1 else "personer folkbokförda"
        return f"{count} {persons} på samma adress"
    if kind == "protected_identity":
        return "Skyddade personuppgifter" if record.get("protected") else ""
    if kind == "vehicle":
        return (
            f"Fordon: {record.get('vehicle_type', 'fordon')} {record.get('make', '')} "
            f"årsmodell {record.get('model_year', 'okänd')}"
        ).replace("  ", " ")
    if kind == "residence":
        return residence_sv(record)
    return str(kind or "uppgift")


def registers(
    application: Application, fetches: list[RegisterFetch]
) -> tuple[list[IncomeRow], list[PersonRegister]]:
    """The declared incomes against the register incomes per person and type, and what each
    source said for each adult. A source that did not answer is unknown, never zero."""
    incomes_sv = review.known_income_types(application.month)
    declared = application.declared
    roles = {m["personnummer"]: m["role"] for m in declared.get("members", [])}
    by_person: dict[str, dict[str, RegisterFetch]] = defaultdict(dict)
    for fetch in fetches:
        by_person[fetch.person.personnummer][fetch.source] = fetch

    declared_amounts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for item in declared.get("incomes", []):
        declared_amounts[(item["personnummer"], item["type"])] += Decimal(str(item["amount"]))
    register_amounts: dict[tuple[str, str], tuple[Decimal, str]] = {}
    for person, sources in by_person.items():
        for code, fetch in sources.items():
            if fetch.status != "ok":
                continue
            for record in fetch.records:
                if record.get("kind") == "payment" and record.get("income_type"):
                    key = (person, record["income_type"])
                    amount, _ = register_amounts.get(key, (Decimal(0), code))
                    register_amounts[key] = (amount + Decimal(str(record["amount"])), code)

    rows = []
    for key in sorted(set(declared_amounts) | set(register_amounts)):
        person, income_type = key
        role = roles.get(person, "other")
        stated = declared_amounts.get(key)
        found = register_amounts.get(key)
        expected = INCOME_SOURCE.get(income_type, "FK")
        asked = by_person.get(person, {})
        expected_fetch = asked.get(found[1] if found else expected)
        row = IncomeRow(
            who=_who(role, person),
            income=incomes_sv.get(income_type, income_type),
            declared=kr(stated) if stated is not None else "",
            register="",
            source=SOURCE_SV.get(found[1] if found else expected, expected),
            status="",
            discrepancy=False,
        )
        if found is not None:
            row.register = kr(found[0])
            if stated is None:
                row.status, row.discrepancy = "Finns i registret men inte i ansökan", True
            elif found[0] == stated:
                row.status = "Stämmer"
            else:
                row.status = f"Skiljer sig: {kr(abs(found[0] - stated))}"
                row.discrepancy = True
        elif role not in ADULT_ROLES:
            row.register, row.status = "hämtas inte", "Register hämtas bara för vuxna"
        elif expected_fetch is None or expected_fetch.status != "ok":
            row.register = UNKNOWN
            row.status, row.discrepancy = "Kan inte jämföras: registret är okänt", True
        else:
            row.status, row.discrepancy = "Finns i ansökan men inte i registret", True
        rows.append(row)

    people = []
    for person, role in roles.items():
        if role not in ADULT_ROLES:
            continue
        sources = []
        for code in ("SKV", "FK", "AF", "AKASSA", "CSN", "PM", "TS", "MIV"):
            fetch = by_person.get(person, {}).get(code)
            name = SOURCE_SV.get(code, code)
            if fetch is None:
                sources.append(SourceRow(name, False, "inte hämtad", []))
            elif fetch.status != "ok":
                sources.append(SourceRow(name, False, fetch.reason, []))
            else:
                facts = [f for f in (_facts(r, incomes_sv) for r in fetch.records) if f]
                sources.append(SourceRow(name, True, "", facts or ["Inga uppgifter för månaden"]))
        people.append(PersonRegister(_who(role, person), sources))
    return rows, people


# --------------------------------------------------------------------------- since last month


@dataclass
class ChangeRow:
    what: str
    before: str
    now: str
    changed: bool


def changes_since_last_month(application: Application) -> tuple[bool, list[ChangeRow]]:
    """(had a previous month, rows): household size, each income and each cost, then and now."""
    previous = previous_declared(application)
    if previous is None:
        return False, []
    declared = application.declared
    incomes_sv = review.known_income_types(application.month)
    costs_sv = review.cost_types(application.month)
    rows = [
        ChangeRow(
            "Personer i hushållet",
            str(len(previous.get("members", []))),
            str(len(declared.get("members", []))),
            {(m["personnummer"], m["role"]) for m in previous.get("members", [])}
            != {(m["personnummer"], m["role"]) for m in declared.get("members", [])},
        )
    ]
    roles = {m["personnummer"]: m["role"] for m in declared.get("members", [])}
    roles.update({m["personnummer"]: m["role"] for m in previous.get("members", [])})

    def totals(items, key):
        out: dict[Any, Decimal] = defaultdict(Decimal)
        for item in items:
            out[key(item)] += Decimal(str(item["amount"]))
        return out

    income_key = lambda i: (i["personnummer"], i["type"])  # noqa: E731
    before_in = totals(previous.get("incomes", []), income_key)
    now_in = totals(declared.get("incomes", []), income_key)
    for key in sorted(set(before_in) | set(now_in)):
        rows.append(
            ChangeRow(
                f"{incomes_sv.get(key[1], key[1])}, {_who(roles.get(key[0], 'other'), key[0])}",
                kr(before_in[key]) if key in before_in else "–",
                kr(now_in[key]) if key in now_in else "–",
                before_in.get(key) != now_in.get(key),
            )
        )
    before_costs = totals(previous.get("costs", []), lambda c: c["type"])
    now_costs = totals(declared.get("costs", []), lambda c: c["type"])
    for key in sorted(set(before_costs) | set(now_costs)):
        rows.append(
            ChangeRow(
                costs_sv.get(key, key),
                kr(before_costs[key]) if key in before_costs else "–",
                kr(now_costs[key]) if key in now_costs else "–",
                before_costs.get(key) != now_costs.get(key),
            )
        )
    return True, rows


# --------------------------------------------------------------------------- flags


@dataclass
class FlagView:
    code: str
    label: str
    message: str
    evidence: list[tuple[str, str]]


def flags(proposal: Proposal | None, month: str) -> list[FlagView]:
    from .queues import FLAG_LABELS

    if proposal is None:
        return []
    names = {
        "income_type": review.known_income_types(month),
        "cost_type": review.cost_types(month),
        "source": SOURCE_SV,
    }
    out = []
    for item in proposal.flags:
        if item["code"] == "PROVISIONAL_PARAMETER":
            out.append(_provisional_flag(item, proposal, FLAG_LABELS))
            continue
        evidence = []
        for key, value in (item.get("evidence") or {}).items():
            if value in ("", None, []):
                continue
            if key in MONEY_EVIDENCE:
                with contextlib.suppress(ArithmeticError):
                    value = kr(value)
            elif key in names:
                value = names[key].get(value, value)
            elif isinstance(value, list):
                value = ", ".join(_evidence_item(v) for v in value)
            evidence.append((EVIDENCE_LABELS.get(key, key), str(value)))
        out.append(
            FlagView(
                code=item["code"],
                label=FLAG_LABELS.get(item["code"], item["code"]),
                message=item.get("message", ""),
                evidence=evidence,
            )
        )
    return out


def _provisional_flag(item: dict, proposal: Proposal, labels: dict) -> FlagView:
    """Provisional amounts, named as the calculation names them ("Personliga kostnader, barn
    15–18 år: 4 950 kr") instead of the rules engine's table ids ("riksnorm.children 15-18"),
    from the lines of the archived trace that used them."""
    cited = list((item.get("evidence") or {}).get("parameters") or [])
    lines = []
    for line in proposal.calculation.trace.get("lines", []):
        parameter = line.get("parameter") or {}
        name = f"{parameter.get('id')} {parameter.get('key')}"
        if name in cited and parameter.get("status") == "provisional":
            text = f"{line.get('label', name)}: {kr(line.get('amount', '0'))}"
            if text not in lines:
                lines.append(text)
    if not lines:  # an older trace: keep the engine's own words
        lines = cited
    return FlagView(
        code=item["code"],
        label=labels.get(item["code"], item["code"]),
        message=(
            "Beräkningen använder belopp som ännu inte är kontrollerade mot författningstexten "
            "(preliminära belopp i regelmotorn). Beloppen kan ändras när de är kontrollerade; "
            "pröva om beslutet kan fattas med dem."
        ),
        evidence=[("Preliminära belopp", "; ".join(lines))],
    )


# --------------------------------------------------------------------------- the calculation


@dataclass
class CalcLine:
    label: str
    who: str
    amount: str
    details: str
    reference: str
    note: str


@dataclass
class CalcSection:
    title: str
    lines: list[CalcLine]
    total: str


@dataclass
class Calculation:
    month: str
    guidelines: str
    sections: list[CalcSection] = field(default_factory=list)
    need: str = ""
    income: str = ""
    surplus: str = ""
    amount: str = ""
    before_rounding: str = ""
    rounding_reference: str = ""
    text: str = ""
    sha256: str = ""


def calculation(snapshot) -> Calculation:
    """The archived trace line by line, in Swedish, with each line's legal reference."""
    trace = snapshot.trace
    roles = {m["id"]: m["role"] for m in trace["input"]["members"]}
    totals = trace["totals"]
    local = [p for p in trace["parameters"] if p["id"].startswith("local.")]
    result = Calculation(
        month=month_sv(trace["month"]),
        guidelines=(f"{local[0]['title']} ({local[0]['reference']})" if local else ""),
        need=kr(totals["need"]),
        income=kr(totals["counted_income"]),
        surplus=kr(totals["surplus"]) if Decimal(totals["surplus"]) > 0 else "",
        amount=kr(totals["amount"]),
        before_rounding=kr(totals["before_rounding"]),
        rounding_reference=trace["rounding"]["parameter"]["reference"],
        text=explain_render(trace),
        sha256=snapshot.trace_sha256,
    )
    sums = {
        "norm": totals["norm"],
        "costs": totals["reasonable_costs"],
        "income": totals["counted_income"],
    }
    for section, title in SECTION_TITLES_SV.items():
        lines = []
        for line in trace["lines"]:
            if line["section"] != section:
                continue
            who = " och ".join(
                f"{ROLE_LABELS_SV.get(roles.get(m, ''), 'person')} {m}"
                for m in (line.get("member") or "").split("+")
                if m
            )
            detail = line.get("detail") or {}
            details = "; ".join(
                f"{text} {kr(detail[key])}" for key, text in DETAIL_TEXT.items() if key in detail
            )
            parameter = line.get("parameter") or {}
            note = ""
            if parameter and parameter.get("reference") != line["reference"]:
                note = f"belopp enligt {parameter['reference']}"
            if parameter.get("status") == "provisional":
                note = (note + "; " if note else "") + (
                    "preliminärt belopp, ej kontrollerat mot författningstexten"
                )
            lines.append(
                CalcLine(
                    label=line["label"],
                    who=who,
                    amount=kr(line["amount"]),
                    details=details,
                    reference=line["reference"],
                    note=note,
                )
            )
        result.sections.append(CalcSection(title, lines, kr(sums[section])))
    return result


# --------------------------------------------------------------------------- earlier months


@dataclass
class EarlierMonth:
    application_id: int
    month: str
    kind: str
    state: str
    outcome: str
    amount: str
    decided_by: str


def decided_by(decision: Decision) -> str:
    if decision.automated:
        return f"{decision.automated_function} {decision.automated_function_version}".strip()
    user = decision.decided_by
    who = (user.get_full_name() or user.get_username()) if user else ""
    other = decision.four_eyes_approver
    if other is not None:  # the four-eyes rule: both, the first approver first
        who = f"{other.get_full_name() or other.get_username()} och {who}"
    return who


def earlier_months(application: Application) -> list[EarlierMonth]:
    others = (
        Application.objects.filter(case_id=application.case_id)
        .exclude(pk=application.pk)
        .select_related("decision__decided_by", "decision__four_eyes_approver")
        .order_by("-month", "-pk")
    )
    out = []
    for other in others:
        decision = getattr(other, "decision", None)
        out.append(
            EarlierMonth(
                application_id=other.pk,
                month=month_sv(other.month),
                kind=other.get_kind_display(),
                state=other.get_state_display(),
                outcome=decision.get_outcome_display() if decision else "–",
                amount=kr(Decimal(decision.amount_ore) / 100) if decision else "–",
                decided_by=decided_by(decision) if decision else "–",
            )
        )
    return out


def decision_of(application: Application) -> Decision | None:
    if application.state not in (State.DECIDED, State.PAID):
        return None
    return (
        Decision.objects.filter(application=application)
        .select_related("decided_by", "four_eyes_approver")
        .prefetch_related("items")
        .first()
    )


# --------------------------------------------------------------------------- who did it

SYSTEM_ACTORS = {
    "robot": "Roboten",
    "seed": "Testdata",
    "test": "Test",
    "payments": "Utbetalningar",
    "letters": "Beslutsbrev",
}


@dataclass
class HistoryRow:
    at: Any
    change: str
    actor: str
    reason: str


def history(application: Application) -> list[HistoryRow]:
    """The application's state changes, newest first, with who made them in words."""
    from django.contrib.auth import get_user_model

    entries = list(application.transitions.order_by("-at", "-pk"))
    user_ids = {
        int(entry.actor.split(":")[1])
        for entry in entries
        if entry.actor.startswith("user:") and entry.actor.split(":")[1].isdigit()
    }
    names = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=user_ids)
    }
    rows = []
    for entry in entries:
        kind, _, rest = entry.actor.partition(":")
        if kind == "user":
            pk = rest.split(":")[0]
            who = names.get(int(pk), entry.actor) if pk.isdigit() else entry.actor
        elif rest.startswith("automated-decision"):
            who = "Automatiserad beslutsfunktion"
        else:
            who = SYSTEM_ACTORS.get(rest, entry.actor)
        rows.append(
            HistoryRow(
                at=entry.at,
                change=f"{entry.get_from_state_display()} → {entry.get_to_state_display()}",
                actor=who,
                reason=entry.reason,
            )
        )
    return rows


# --------------------------------------------------------------------------- payout account


@dataclass
class PayoutView:
    """The case page's "Konto för utbetalning": masked only, never the whole number."""

    account: str  # masked, "" when none is given
    changes: list = field(default_factory=list)  # payments.services.AccountChange, newest first
    paid_to: str = ""  # the account written in the payment file, masked
    waiting_for_account: bool = False  # granted, but not payable until an account is given


def payout(application: Application) -> PayoutView:
    """The applicant's payout account and its changes (when, by the applicant's e-ID or by
    whom), and which account this application's payment went to."""
    from bistand.cases.models import Person
    from bistand.payments import accounts
    from bistand.payments.models import PaymentOrder, PaymentStatus
    from bistand.payments.services import account_changes, payout_account_of

    order = PaymentOrder.objects.filter(application=application).select_related("payee").first()
    person = order.payee if order else None
    if person is None:
        number = next(
            (
                m.get("personnummer")
                for m in application.declared.get("members", [])
                if m.get("role") == "applicant"
            ),
            None,
        )
        person = Person.objects.filter(personnummer=number).first() if number else None
    if person is None:
        return PayoutView(account="")
    current = payout_account_of(person)
    return PayoutView(
        account=current.masked if current else "",
        changes=account_changes(person),
        paid_to=accounts.mask(order.creditor_clearing, order.creditor_account)
        if order and order.creditor_account
        else "",
        waiting_for_account=bool(
            order and order.status == PaymentStatus.PENDING and current is None
        ),
    )
