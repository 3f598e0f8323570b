"""The robot's checks. Each check is one function that returns flags.

A flag is ``{"code", "message", "evidence"}``: a code for statistics and queues,
one plain-Swedish sentence a caseworker (and the applicant) can read, and the
facts behind it. Any flag sends the proposal to a caseworker.

The checks read a ``CheckInput`` prepared by the pipeline; they never touch the
database or the network, so each can be tested with plain data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bistand.rules.money import format_kr
from bistand.rules.parameters import default_store
from bistand.rules.period import Month

ROLE_SV = {
    "applicant": "sökande",
    "partner": "medsökande",
    "child": "barn",
    "other": "annan person",
}
SOURCE_SV = {
    "AF": "Arbetsförmedlingen",
    "FK": "Försäkringskassan",
    "CSN": "CSN",
    "SKV": "Skatteverket",
    "AKASSA": "arbetslöshetskassan",
    "TS": "Transportstyrelsen",
    "PM": "Pensionsmyndigheten",
    "MIV": "Migrationsverket",
}
INCOME_SV = {
    "salary": "Lön",
    "unemployment_benefit": "Ersättning från a-kassa",
    "sickness_benefit": "Sjukpenning",
    "activity_support": "Aktivitetsstöd",
    "establishment_benefit": "Etableringsersättning",
    "parental_benefit": "Föräldrapenning",
    "housing_allowance": "Bostadsbidrag",
    "maintenance_support": "Underhållsstöd",
    "child_allowance": "Barnbidrag",
    "study_grant": "Studiemedel",
    "pension": "Pension",
}
COST_SV = {
    "rent": "Boendekostnad",
    "electricity": "Hushållsel",
    "work_travel": "Arbetsresor",
    "home_insurance": "Hemförsäkring",
    "union_fee": "Fackavgift",
    "unemployment_fund_fee": "A-kasseavgift",
}
#: Which source reports which income type (for the wording of a flag).
INCOME_SOURCE = {
    "salary": "SKV",
    "unemployment_benefit": "AKASSA",
    "study_grant": "CSN",
    "pension": "PM",
}


PERMIT_SV = {
    "residence": "Uppehållstillstånd",
    "permanent_residence": "Permanent uppehållstillstånd",
    "work": "Arbetstillstånd",
}


def residence_sv(record: dict[str, Any]) -> str:
    """Migrationsverket's residence record in a caseworker's words: "svensk medborgare",
    "EU-medborgare med uppehållsrätt", "Uppehållstillstånd 2025-07-01 – 2027-06-30", "saknas"."""
    basis = record.get("basis")
    if basis == "swedish_citizen":
        return "Svensk medborgare (inget tillstånd behövs)"
    if basis == "eu_right_of_residence":
        return "EU-medborgare med uppehållsrätt"
    permits = [
        f"{PERMIT_SV.get(p.get('permit_type'), 'Tillstånd')} {p.get('valid_from')} – "
        f"{p.get('valid_until') or 'tills vidare'}"
        for p in record.get("permits", [])
    ]
    return "; ".join(permits) if permits else "Uppehållstillstånd saknas"


def flag(code: str, message: str, **evidence: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "evidence": evidence}


@dataclass
class Person:
    key: str  # personnummer (never leaves the case's data)
    role: str
    label: str  # e.g. "sökande (19850201-****)"
    part_time: bool = False  # a child living here part of the month is registered elsewhere


@dataclass
class CheckInput:
    month: str
    kind: str  # "first" | "repeat"
    members: list[Person]
    declared: dict[str, Any]
    previous: dict[str, Any] | None  # last month's declared data, if any
    register: dict[
        str, dict[str, dict[str, Any]]
    ]  # personnummer → source → {status, records, reason}
    threshold: Decimal
    adults: list[Person] = field(default_factory=list)
    #: The month's values of ``national.reform_2027_checks`` (which of the 2027 reform's checks
    #: apply, and the legal source each cites); read from the parameter files when not given.
    reform: dict[str, Any] | None = None
    #: What the contributed checks' loaders read for this application (``contributed``):
    #: the contribution's name → its data (None when its loader failed).
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.adults = [m for m in self.members if m.role in ("applicant", "partner")]
        if self.reform is None:
            self.reform = reform_values(self.month)


REFORM_TABLE = "national.reform_2027_checks"
#: Queue and case-view names of the 2027 reform's flags.
REFORM_FLAG_LABELS = {
    "SUBLET_WITHOUT_CONSENT": "Andrahandshyra utan samtycke",
    "RESIDENCE_PERMIT_EXPIRED": "Uppehållstillstånd har gått ut",
    "RESIDENCE_PERMIT_MISSING": "Uppehållstillstånd saknas",
}
#: Sources asked only for a check of the 2027 reform: not needed (nor flagged) before it applies.
REFORM_SOURCES = {"MIV": "lawful_stay_check"}


def reform_values(month: str) -> dict[str, Any]:
    """The 2027 reform's checks in force in the month (a dated parameter, never a literal)."""
    return dict(default_store().table(REFORM_TABLE).version_for(Month.parse(month)).data["values"])


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


def _declared_incomes(declared: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for item in declared.get("incomes", []):
        totals[(item["personnummer"], item["type"])] += _money(item["amount"])
    return totals


def _register_incomes(data: CheckInput) -> dict[tuple[str, str], tuple[Decimal, str]]:
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    sources: dict[tuple[str, str], str] = {}
    for person, answers in data.register.items():
        for source, answer in answers.items():
            if answer["status"] != "ok":
                continue
            for record in answer["records"]:
                if record.get("kind") == "payment" and record.get("income_type"):
                    key = (person, record["income_type"])
                    totals[key] += _money(record["amount"])
                    sources[key] = source
    return {key: (amount, sources[key]) for key, amount in totals.items()}


def _who(data: CheckInput, personnummer: str) -> str:
    for member in data.members:
        if member.key == personnummer:
            return member.label
    return "en person i hushållet"


# --------------------------------------------------------------------------- checks


def check_register_unknown(data: CheckInput) -> list[dict]:
    """A source that could not answer is unknown — never read as "no income"."""
    flags = []
    for member in data.adults:
        for source, answer in sorted(data.register.get(member.key, {}).items()):
            if source in REFORM_SOURCES and not data.reform.get(REFORM_SOURCES[source]):
                continue
            if answer["status"] != "ok":
                flags.append(
                    flag(
                        "REGISTER_UNKNOWN",
                        f"Uppgifter från {SOURCE_SV.get(source, source)} saknas för "
                        f"{member.label}: "
                        f"{answer.get('reason') or 'källan svarade inte'}. Okänt betyder inte att "
                        "det inte finns något att rapportera.",
                        source=source,
                        person=member.label,
                        reason=answer.get("reason", ""),
                    )
                )
    return flags


def check_incomes_against_register(data: CheckInput) -> list[dict]:
    """Declared income per person and type against what the registers report for the month."""
    declared = _declared_incomes(data.declared)
    register = _register_incomes(data)
    unknown = {
        (person, source)
        for person, answers in data.register.items()
        for source, answer in answers.items()
        if answer["status"] != "ok"
    }
    flags = []
    for (person, income_type), (reg_amount, source) in sorted(register.items()):
        label = INCOME_SV.get(income_type, income_type)
        agency = SOURCE_SV.get(source, source)
        stated = declared.get((person, income_type))
        if stated is None or stated == 0:
            flags.append(
                flag(
                    "INCOME_NOT_DECLARED",
                    f"{agency} visar {label.lower()} {format_kr(reg_amount)} för "
                    f"{_who(data, person)} som inte finns med i ansökan.",
                    income_type=income_type,
                    source=source,
                    register=str(reg_amount),
                    person=_who(data, person),
                )
            )
            continue
        difference = abs(reg_amount - stated)
        if difference > data.threshold * stated:
            flags.append(
                flag(
                    "INCOME_DIFFERS",
                    f"{label} enligt ansökan {format_kr(stated)}, enligt {agency} "
                    f"{format_kr(reg_amount)} ({_who(data, person)}; skillnaden är mer än "
                    f"{data.threshold * 100:.0f} %).",
                    income_type=income_type,
                    source=source,
                    declared=str(stated),
                    register=str(reg_amount),
                    person=_who(data, person),
                )
            )
    for (person, income_type), stated in sorted(declared.items()):
        source = INCOME_SOURCE.get(income_type, "FK")
        reported_by_a_register = income_type in INCOME_SOURCE or income_type in INCOME_SV
        if (
            reported_by_a_register
            and stated > 0
            and (person, income_type) not in register
            and (person, source) not in unknown
        ):
            flags.append(
                flag(
                    "INCOME_NOT_IN_REGISTER",
                    f"{INCOME_SV.get(income_type, income_type)} {format_kr(stated)} för "
                    f"{_who(data, person)} finns i ansökan men inte hos "
                    f"{SOURCE_SV.get(source, source)} för månaden.",
                    income_type=income_type,
                    declared=str(stated),
                    person=_who(data, person),
                )
            )
    return flags


def _keyed(items: list[dict], *fields: str) -> dict[tuple, Decimal]:
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for item in items:
        totals[tuple(item[f] for f in fields)] += _money(item["amount"])
    return totals


def check_changes_since_last_month(data: CheckInput) -> list[dict]:
    """Household, incomes and costs compared with last month's application."""
    if data.kind == "first":
        return []
    if data.previous is None:
        return [
            flag(
                "NO_PREVIOUS_MONTH",
                "Det finns ingen ansökan för förra månaden att jämföra med.",
            )
        ]
    flags = []
    before = {(m["personnummer"], m["role"]) for m in data.previous.get("members", [])}
    now = {(m["personnummer"], m["role"]) for m in data.declared.get("members", [])}
    if before != now:
        added = len(now - before)
        removed = len(before - now)
        flags.append(
            flag(
                "HOUSEHOLD_CHANGE",
                f"Hushållet har ändrats sedan förra månaden ({added} tillkommit, "
                f"{removed} försvunnit eller fått annan roll).",
                added=added,
                removed=removed,
            )
        )
    incomes_before = _keyed(data.previous.get("incomes", []), "personnummer", "type")
    incomes_now = _keyed(data.declared.get("incomes", []), "personnummer", "type")
    for key in sorted(set(incomes_now) - set(incomes_before)):
        flags.append(
            flag(
                "NEW_INCOME",
                f"Ny inkomst sedan förra månaden: {INCOME_SV.get(key[1], key[1]).lower()} "
                f"{format_kr(incomes_now[key])} ({_who(data, key[0])}).",
                income_type=key[1],
                amount=str(incomes_now[key]),
            )
        )
    for key in sorted(set(incomes_before) - set(incomes_now)):
        flags.append(
            flag(
                "INCOME_DROPPED",
                f"Inkomsten {INCOME_SV.get(key[1], key[1]).lower()} "
                f"({format_kr(incomes_before[key])} förra månaden) finns inte med denna månad "
                f"({_who(data, key[0])}).",
                income_type=key[1],
                previous=str(incomes_before[key]),
            )
        )
    costs_before = _keyed(data.previous.get("costs", []), "type")
    costs_now = _keyed(data.declared.get("costs", []), "type")
    for (cost_type,) in sorted(set(costs_now) - set(costs_before)):
        if costs_now[(cost_type,)] > 0:
            flags.append(
                flag(
                    "NEW_COST",
                    f"Ny kostnad sedan förra månaden: {COST_SV.get(cost_type, cost_type).lower()} "
                    f"{format_kr(costs_now[(cost_type,)])}.",
                    cost_type=cost_type,
                    amount=str(costs_now[(cost_type,)]),
                )
            )
    rent_before, rent_now = costs_before.get(("rent",)), costs_now.get(("rent",))
    if rent_before is not None and rent_now is not None and rent_before != rent_now:
        flags.append(
            flag(
                "RENT_CHANGED",
                f"Boendekostnaden har ändrats från {format_kr(rent_before)} till "
                f"{format_kr(rent_now)}.",
                previous=str(rent_before),
                current=str(rent_now),
            )
        )
    return flags


def check_population_register(data: CheckInput) -> list[dict]:
    """Folkbokföringen: who is registered at the applicant's address, against the household."""
    applicant = next((m for m in data.members if m.role == "applicant"), None)
    if applicant is None:
        return []
    answer = data.register.get(applicant.key, {}).get("SKV")
    if not answer or answer["status"] != "ok":
        return []  # unknown is flagged by check_register_unknown
    registered: set[str] = set()
    for record in answer["records"]:
        if record.get("kind") == "population_register":
            registered.update(record.get("persons", []))
    if not registered:
        return []
    declared = {m.key for m in data.members}
    extra = registered - declared
    missing = {m.key for m in data.members if m.role != "other" and not m.part_time} - registered
    if not extra and not missing:
        return []
    return [
        flag(
            "POPULATION_REGISTER_MISMATCH",
            f"Folkbokföringen stämmer inte med hushållet i ansökan: {len(extra)} person(er) "
            f"folkbokförda på adressen finns inte i ansökan och {len(missing)} person(er) i "
            "ansökan är inte folkbokförda där.",
            not_in_application=len(extra),
            not_registered_there=len(missing),
        )
    ]


def check_planning(data: CheckInput) -> list[dict]:
    """Adults should be registered with Arbetsförmedlingen with an active planning."""
    flags = []
    for member in data.adults:
        answer = data.register.get(member.key, {}).get("AF")
        if not answer or answer["status"] != "ok":
            continue
        registration = next((r for r in answer["records"] if r.get("kind") == "registration"), None)
        if registration is None or not registration.get("registered"):
            flags.append(
                flag(
                    "NOT_REGISTERED_AF",
                    f"{member.label.capitalize()} är inte inskriven som arbetssökande hos "
                    "Arbetsförmedlingen.",
                    person=member.label,
                )
            )
        elif not registration.get("planning_active"):
            flags.append(
                flag(
                    "NO_ACTIVE_PLANNING",
                    f"{member.label.capitalize()} saknar aktiv planering hos Arbetsförmedlingen.",
                    person=member.label,
                )
            )
    return flags


def check_assets(data: CheckInput) -> list[dict]:
    """Vehicles in Transportstyrelsen's register and assets declared in the application."""
    flags = []
    for member in data.adults:
        answer = data.register.get(member.key, {}).get("TS")
        if answer and answer["status"] == "ok":
            for vehicle in answer["records"]:
                if vehicle.get("kind") == "vehicle":
                    flags.append(
                        flag(
                            "VEHICLE",
                            f"Enligt Transportstyrelsen äger {member.label} ett fordon "
                            f"({vehicle.get('vehicle_type', 'fordon')}, {vehicle.get('make', '')} "
                            f"årsmodell {vehicle.get('model_year', 'okänd')}).",
                            person=member.label,
                            registration=vehicle.get("registration", ""),
                        )
                    )
    for asset in data.declared.get("assets", []):
        value = _money(asset.get("value", "0"))
        if value > 0:
            flags.append(
                flag(
                    "ASSET_DECLARED",
                    f"Ansökan anger en tillgång: {asset.get('description') or asset.get('type')} "
                    f"värd {format_kr(value)}.",
                    asset_type=asset.get("type", ""),
                    value=str(value),
                )
            )
    return flags


def check_other_needs(data: CheckInput) -> list[dict]:
    """Needs beyond försörjningsstöd (livsföring i övrigt) are always judged by a person."""
    return [
        flag(
            "OTHER_NEEDS",
            f"Ansökan gäller också {need.get('description', 'annat behov')} "
            f"({format_kr(_money(need.get('amount', '0')))}), som alltid prövas av handläggare.",
            description=need.get("description", ""),
            amount=str(_money(need.get("amount", "0"))),
        )
        for need in data.declared.get("other_needs", [])
    ]


def check_reported_changes(data: CheckInput) -> list[dict]:
    """The applicant wrote that something has changed: a person reads it."""
    text = (data.declared.get("changes") or "").strip()
    if not text:
        return []
    return [flag("CHANGES_REPORTED", "Sökande har beskrivit ändringar sedan förra månaden.")]


def _rent(declared: dict[str, Any]) -> Decimal:
    return sum(
        (_money(c["amount"]) for c in declared.get("costs", []) if c.get("type") == "rent"),
        Decimal(0),
    )


CONSENT_SV = {"yes": "ja", "no": "nej", "dont_know": "vet inte"}
#: Why a sublet's consent is not on record, by the applicant's answer.
CONSENT_MISSING_SV = {
    "no": "sökande svarade att hyresvärden eller styrelsen inte har godkänt uthyrningen",
    "dont_know": "sökande vet inte om hyresvärden eller styrelsen har godkänt uthyrningen",
    None: "frågan om samtycke är inte besvarad",
}


def check_sublet_consent(data: CheckInput) -> list[dict]:
    """From 2027 the rent of a second-hand let (andrahandsuthyrning) counts only with the
    consent the let requires: the applicant's "ja" and the consent as an attachment."""
    if not data.reform.get("sublet_consent_check"):
        return []
    housing = data.declared.get("housing") or {}
    rent = _rent(data.declared)
    if housing.get("type") != "sublet" or rent <= 0:
        return []
    answer = housing.get("sublet_consent")
    attached = bool(housing.get("sublet_consent_attachment"))
    if answer == "yes" and attached:
        return []
    why = (
        "samtycket finns inte som bilaga"
        if answer == "yes"
        else CONSENT_MISSING_SV.get(answer, CONSENT_MISSING_SV[None])
    )
    return [
        flag(
            "SUBLET_WITHOUT_CONSENT",
            f"Ansökan gäller hyra {format_kr(rent)} för en bostad i andra hand, men samtycke till "
            f"andrahandsuthyrningen finns inte registrerat ({why}). Från 1 januari 2027 godtas "
            "hyran bara med det samtycke som krävs, enligt reformen (prop. 2025/26:201). "
            "Handläggaren utreder och beslutar; flaggan är inget avslag.",
            amount=str(rent),
            consent=CONSENT_SV.get(answer, "inte besvarad"),
            attachment="ja" if attached else "nej",
            legal_source=data.reform.get("sublet_consent_legal_source", ""),
        )
    ]


def _covered(permits: list[dict], first: date, last: date) -> bool:
    """Do the residence permits together cover every day from ``first`` to ``last``?"""
    day = first
    for permit in sorted(permits, key=lambda p: p["valid_from"]):
        start = date.fromisoformat(permit["valid_from"])
        end = date.fromisoformat(permit["valid_until"]) if permit.get("valid_until") else last
        if start > day:
            return False
        if end >= day:
            day = end + timedelta(days=1)
        if day > last:
            return True
    return day > last


def check_lawful_stay(data: CheckInput) -> list[dict]:
    """From 2027 ekonomiskt bistånd is given only to persons staying lawfully in Sweden:
    each adult's status at Migrationsverket for the month. A source that did not answer is
    flagged by ``check_register_unknown`` (unknown), never read as "no permit"."""
    if not data.reform.get("lawful_stay_check"):
        return []
    month = Month.parse(data.month)
    first, last = month.first_day, month.last_day
    legal = data.reform.get("lawful_stay_legal_source", "")
    reform = (
        "Från 1 januari 2027 ges ekonomiskt bistånd bara till den som vistas lagligt i Sverige, "
        "enligt reformen (prop. 2025/26:201)."
    )
    flags = []
    for member in data.adults:
        answers = data.register.get(member.key)
        if not answers:
            continue  # no register was asked about this person (not a confirmed member)
        answer = answers.get("MIV")
        if answer is None:
            flags.append(
                flag(
                    "REGISTER_UNKNOWN",
                    f"Uppgifter från Migrationsverket saknas för {member.label}: registret "
                    "tillfrågades inte. Okänt betyder inte att tillstånd saknas.",
                    source="MIV",
                    person=member.label,
                    reason="tillfrågades inte",
                )
            )
            continue
        if answer["status"] != "ok":
            continue  # unknown: check_register_unknown says so
        record = next((r for r in answer["records"] if r.get("kind") == "residence"), None)
        if record is None or record.get("basis") in ("swedish_citizen", "eu_right_of_residence"):
            continue
        residence = [
            p
            for p in record.get("permits", [])
            if p.get("permit_type") in ("residence", "permanent_residence")
        ]
        if _covered(residence, first, last):
            continue
        ended = [
            p["valid_until"]
            for p in residence
            if p.get("valid_until") and p["valid_until"] < last.isoformat()
        ]
        if ended:
            until = max(ended)
            flags.append(
                flag(
                    "RESIDENCE_PERMIT_EXPIRED",
                    f"Enligt Migrationsverket gällde uppehållstillståndet för {member.label} "
                    f"till och med {until}, och inget tillstånd gäller för hela {month}. "
                    f"{reform} Handläggaren utreder, till exempel om en ansökan om förlängning "
                    "lämnades in i tid, och beslutar; flaggan är inget avslag.",
                    person=member.label,
                    valid_until=until,
                    residence=residence_sv(record),
                    legal_source=legal,
                )
            )
        else:
            flags.append(
                flag(
                    "RESIDENCE_PERMIT_MISSING",
                    f"Migrationsverket har inget uppehållstillstånd för {member.label} som gäller "
                    f"för {month}, och personen är inte registrerad som svensk medborgare eller "
                    f"EU-medborgare med uppehållsrätt. {reform} Handläggaren utreder och "
                    "beslutar; flaggan är inget avslag.",
                    person=member.label,
                    residence=residence_sv(record),
                    legal_source=legal,
                )
            )
    return flags


CHECKS: tuple[Callable[[CheckInput], list[dict]], ...] = (
    check_register_unknown,
    check_incomes_against_register,
    check_changes_since_last_month,
    check_population_register,
    check_planning,
    check_assets,
    check_other_needs,
    check_reported_changes,
    check_sublet_consent,
    check_lawful_stay,
)

#: Every flag code the robot can raise, with what it means (docs and tests use this list).
FLAG_CODES = {
    "REGISTER_UNKNOWN": "en registerkälla kunde inte svara",
    "INCOME_NOT_DECLARED": "registret visar en inkomst som inte finns i ansökan",
    "INCOME_DIFFERS": "inkomsten skiljer sig från registret mer än gränsvärdet",
    "INCOME_NOT_IN_REGISTER": "en inkomst i ansökan finns inte i registret",
    "NO_PREVIOUS_MONTH": "förra månadens ansökan saknas",
    "HOUSEHOLD_CHANGE": "hushållet har ändrats sedan förra månaden",
    "NEW_INCOME": "ny inkomst sedan förra månaden",
    "INCOME_DROPPED": "en inkomst från förra månaden saknas",
    "NEW_COST": "ny kostnad sedan förra månaden",
    "RENT_CHANGED": "boendekostnaden har ändrats",
    "POPULATION_REGISTER_MISMATCH": "folkbokföringen stämmer inte med hushållet",
    "NOT_REGISTERED_AF": "inte inskriven hos Arbetsförmedlingen",
    "NO_ACTIVE_PLANNING": "ingen aktiv planering hos Arbetsförmedlingen",
    "VEHICLE": "äger fordon",
    "ASSET_DECLARED": "tillgång angiven i ansökan",
    "OTHER_NEEDS": "behov utöver försörjningsstöd",
    "CHANGES_REPORTED": "sökande har beskrivit ändringar",
    "COST_ABOVE_CAP": "kostnad över kommunens riktlinje",
    "PROVISIONAL_PARAMETER": "beräkningen använder preliminära belopp",
    "SUBLET_WITHOUT_CONSENT": "hyra i andra hand utan registrerat samtycke (från 2027)",
    "RESIDENCE_PERMIT_EXPIRED": "uppehållstillståndet har gått ut för månaden (från 2027)",
    "RESIDENCE_PERMIT_MISSING": "uppehållstillstånd saknas för månaden (från 2027)",
}


@dataclass(frozen=True)
class Contribution:
    """A check another app contributes (registered from its ``AppConfig.ready``): ``load``
    reads, for a whole batch of applications in a few queries, what ``check`` needs
    (application pk → data, put in ``CheckInput.extra[name]``); ``check`` stays free of the
    database like the checks above. ``codes``: its flag codes and what they mean."""

    name: str
    check: Callable[[CheckInput], list[dict]]
    load: Callable[[list[Any]], dict[int, Any]] | None = None
    codes: dict[str, str] = field(default_factory=dict)
    #: Codes that reveal special-category data (health): never written to a log line.
    private_codes: frozenset[str] = frozenset()


_contributions: dict[str, Contribution] = {}


def contribute(contribution: Contribution) -> None:
    """Register (or replace, by name) a contributed check."""
    _contributions[contribution.name] = contribution


def contributions() -> list[Contribution]:
    return list(_contributions.values())


def all_flag_codes() -> dict[str, str]:
    """``FLAG_CODES`` and the contributed checks' codes."""
    codes = dict(FLAG_CODES)
    for contribution in _contributions.values():
        codes |= contribution.codes
    return codes


def loggable_code(code: str) -> str:
    """The flag code as a log line may show it: a contributed private code (health data, e.g.
    a missing läkarintyg) becomes SPECIAL_CATEGORY."""
    for contribution in _contributions.values():
        if code in contribution.private_codes:
            return "SPECIAL_CATEGORY"
    return code


def run_checks(data: CheckInput) -> list[dict]:
    flags: list[dict] = []
    for check in CHECKS:
        flags.extend(check(data))
    for contribution in _contributions.values():
        flags.extend(contribution.check(data))
    return flags
