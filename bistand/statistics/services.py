"""Socialstyrelsen's monthly statistics of ekonomiskt bistånd (HSLF-FS 2015:30; issue 14 part 6).

``build(municipality, month)`` gathers the month's delivery: one record per household that was
granted assistance FOR the month (a granted or partly granted decision on the month's
application, with the amount of its payment orders), with the adults' försörjningshinder and
arbetsmarknadsinsats (``outcomes.AdultMonth``) mapped to Socialstyrelsen's codes, and one record
per adult of the periods closed in the month with their avslutsorsak. It validates before
anything is written: ``Delivery.problems`` lists what blocks the delivery, in Swedish with the
case reference (never a personnummer). ``write(delivery, directory)`` writes the two files
(mode 0600: they hold personnummer) in the layout of ``layout.py``.

The records are personal data: nothing here logs their content; the audit event of a written
delivery holds counts and file digests only.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from bistand.audit.services import record
from bistand.cases import personnummer as pnr
from bistand.cases.models import Application, Municipality, Person, State
from bistand.decisions.models import Outcome
from bistand.outcomes import services as outcomes
from bistand.outcomes.models import AdultMonth, ExitReason
from bistand.rules.errors import MissingParameterError
from bistand.rules.explain import month_sv
from bistand.rules.period import Month

from .layout import Layout, layout_for

ADULT_ROLES = ("applicant", "partner")
ROLE_SV = {"applicant": "sökande", "partner": "medsökande"}
CHILD_AGE = 18  # the register counts children under 18 (Variabelförteckning: "Barn")

#: Household type codes of the register (Variabelförteckning, "Hushållstyp").
HOUSEHOLD_TYPES = {
    "1": "enbart barn under 18 år",
    "3": "ensamstående man utan barn",
    "4": "ensamstående man med barn",
    "5": "ensamstående kvinna utan barn",
    "6": "ensamstående kvinna med barn",
    "7": "sammanboende par utan barn",
    "8": "sammanboende par med barn",
    "9": "okänd hushållstyp",
}
TABLE_LABELS = {
    outcomes.HINDER: "Försörjningshinder",
    outcomes.ACTIVITIES: "Arbetsmarknadsinsatsen",
    outcomes.EXIT_REASONS: "Avslutsorsaken",
}


@dataclass(frozen=True)
class Problem:
    """Something that blocks the delivery. ``record_level``: one record's data (staff fix it in
    the case; ``--allow-incomplete`` writes the record with the field empty); otherwise the
    whole delivery (no kommunkod, no layout or code table for the month): never written."""

    text: str
    case_reference: str = ""
    record_level: bool = True

    def __str__(self) -> str:
        return f"{self.case_reference}: {self.text}" if self.case_reference else self.text


@dataclass
class Summary:
    households: int = 0
    recipients: int = 0
    adults: int = 0
    children: int = 0
    amount_kr: int = 0
    exits: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    exits_by_reason: Counter[str] = field(default_factory=Counter)


@dataclass
class Delivery:
    municipality: Municipality
    month: Month
    layout: Layout | None
    households: list[dict[str, str]] = field(default_factory=list)
    exits: list[dict[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    #: Records with at least one record-level problem, as (file, case reference) keys.
    blocked_records: set[tuple[str, str]] = field(default_factory=set)

    @property
    def delivery_problems(self) -> list[Problem]:
        return [p for p in self.problems if not p.record_level]

    @property
    def blocking_count(self) -> int:
        """What the administrators' reminder shows: records that block, plus delivery-level
        problems (each counts as one)."""
        return len(self.blocked_records) + len(self.delivery_problems)

    @property
    def complete(self) -> bool:
        return not self.problems

    def may_write(self, *, allow_incomplete: bool) -> bool:
        if self.layout is None or self.delivery_problems:
            return False
        return self.complete or allow_incomplete


def kronor(ore: int) -> int:
    """Whole kronor, half up (the register's amounts are whole kronor)."""
    return int((Decimal(ore) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def age_on(personnummer: str, day: date) -> int:
    born = pnr.birth_date(personnummer)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def household_type(adults: list[str], children: int, day: date) -> str:
    """The register's household type from the adults' personnummer (legal sex) and whether
    there are children under 18; 9 when the household has no applicant we can read."""
    if not adults:
        return "9"
    try:
        ages = [age_on(p, day) for p in adults]
        men = [pnr.legal_sex(p) == "M" for p in adults]
    except Exception:  # an unreadable personnummer: reported as a problem elsewhere
        return "9"
    if all(age < CHILD_AGE for age in ages):
        return "1"
    if len(adults) >= 2:
        return "8" if children else "7"
    if men[0]:
        return "4" if children else "3"
    return "6" if children else "5"


class _Codes:
    """Code tables in force for a month, mapping our codes to Socialstyrelsen's; unmapped codes
    are collected and reported once per code."""

    def __init__(self, delivery: Delivery):
        self.delivery = delivery
        self.tables: dict[tuple[str, str], dict[str, dict[str, Any]] | None] = {}
        self.unmapped: dict[tuple[str, str, str], list[str]] = defaultdict(list)

    def table(self, table_id: str, when: Month | date) -> dict[str, dict[str, Any]] | None:
        key = (table_id, str(when))
        if key not in self.tables:
            try:
                self.tables[key] = outcomes.codes(table_id, when)
            except Exception as exc:  # a missing or broken table: reported, not raised
                self.tables[key] = None
                self.delivery.problems.append(
                    Problem(f"Kodtabellen {table_id} saknas för {when}: {exc}", record_level=False)
                )
        return self.tables[key]

    def map(
        self, table_id: str, when: Month | date, code: str, reference: str, who: str
    ) -> tuple[str, str | None]:
        """(Socialstyrelsen's code or "", a record-level problem text or None)."""
        table = self.table(table_id, when)
        if table is None:
            return "", None  # the delivery-level problem says it
        row = table.get(code)
        label = TABLE_LABELS[table_id]
        if row is None:
            return "", f"{label.lower()} {code!r} för {who} finns inte i kodtabellen {table_id}"
        mapped = row.get("socialstyrelsen")
        if mapped in (None, ""):
            self.unmapped[(table_id, str(when), code)].append(reference)
            return "", ""
        return str(mapped), None

    def report_unmapped(self) -> None:
        for (table_id, when, code), references in sorted(self.unmapped.items()):
            row = (self.tables.get((table_id, when)) or {}).get(code, {})
            cases = sorted(set(references))
            shown = ", ".join(cases[:10]) + (
                f" och {len(cases) - 10} till" if len(cases) > 10 else ""
            )
            self.delivery.problems.append(
                Problem(
                    f"{TABLE_LABELS[table_id]} {code!r} ({row.get('label', '')}) har ingen kod hos "
                    f"Socialstyrelsen i kodtabellen {table_id}: {_n(len(references), 'uppgift')} "
                    f"i {_n(len(cases), 'ärende')} ({shown}). Kodlistan i HSLF-FS 2015:30 "
                    "bilaga 1–2 är inte bekräftad; systemförvaltaren lägger in koden i kodtabellen "
                    "(docs/statistics.md)."
                )
            )


def _n(count: int, noun: str) -> str:
    plural = {"uppgift": "uppgifter", "ärende": "ärenden"}[noun]
    return f"{count} {noun if count == 1 else plural}"


def _month_bounds(month: Month) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(month.first_day, time.min))
    end = timezone.make_aware(datetime.combine(month.last_day + timedelta(days=1), time.min))
    return start, end


def granted_applications(municipality: Municipality, month: Month):
    """The month's applications with a granted (or partly granted) decision: the households
    receiving assistance FOR the month, whatever month it was paid."""
    return (
        Application.objects.filter(
            case__municipality=municipality,
            month=str(month),
            state__in=(State.DECIDED, State.PAID),
            decision__outcome__in=(Outcome.GRANT, Outcome.PARTIAL),
        )
        .select_related("case", "decision")
        .annotate(paid_ore=Sum("payments__amount_ore"))
        .order_by("case__reference")
    )


def build(municipality: Municipality, month: Month) -> Delivery:
    """The month's delivery for the municipality, validated (nothing written)."""
    delivery = Delivery(municipality=municipality, month=month, layout=None)
    try:
        delivery.layout = layout_for(month)
    except MissingParameterError as exc:
        delivery.problems.append(Problem(f"Postbeskrivningen saknas: {exc}", record_level=False))
    kommun = municipality.kommunkod
    if not (len(kommun) == 4 and kommun.isdigit()):
        delivery.problems.append(
            Problem(
                f"Kommunkoden saknas för {municipality.name}: systemförvaltaren anger den "
                "(fyra siffror) under Administration → Kommuner.",
                record_level=False,
            )
        )
    codes = _Codes(delivery)
    common = {
        "year": str(month.year),
        "month": f"{month.month:02d}",
        "kommun": kommun,
        "district": "",
    }
    _households(delivery, month, municipality, codes, common)
    _exits(delivery, month, municipality, codes, common)
    codes.report_unmapped()
    return delivery


def _households(
    delivery: Delivery, month: Month, municipality: Municipality, codes: _Codes, common: dict
) -> None:
    applications = list(granted_applications(municipality, month))
    numbers = {
        m.get("personnummer", "")
        for a in applications
        for m in (a.declared or {}).get("members", [])
        if m.get("role") in ADULT_ROLES
    }
    persons = dict(
        Person.objects.filter(personnummer__in=numbers).values_list("personnummer", "pk")
    )
    recorded = {
        (row.application_id, row.person_id): row
        for row in AdultMonth.objects.filter(application__in=[a.pk for a in applications])
    }
    day = month.first_day
    summary = delivery.summary
    for application in applications:
        reference = application.case.reference
        members = (application.declared or {}).get("members", [])
        adults = sorted(
            (m for m in members if m.get("role") in ADULT_ROLES),
            key=lambda m: ADULT_ROLES.index(m["role"]),
        )
        children = 0
        for m in members:
            if m.get("role") == "child":
                try:
                    children += age_on(m["personnummer"], day) < CHILD_AGE
                except Exception:
                    _problem(
                        delivery, "households", reference, "ett barns personnummer är ogiltigt"
                    )
        paid = application.paid_ore if application.paid_ore is not None else 0
        if paid <= 0:
            paid = application.decision.amount_ore
        row = {
            **common,
            "children": str(children),
            "amount_kr": str(kronor(paid)),
            "personnummer_1": "",
            "personnummer_2": "",
            "hinder_1": "",
            "hinder_2": "",
            "activity_1": "",
            "activity_2": "",
        }
        adult_numbers = []
        for i, member in enumerate(adults[:2], start=1):
            who = ROLE_SV[member["role"]]
            try:
                number = pnr.normalise(member.get("personnummer", ""))
            except Exception:
                _problem(delivery, "households", reference, f"personnumret för {who} är ogiltigt")
                continue
            adult_numbers.append(number)
            row[f"personnummer_{i}"] = number
            entry = recorded.get((application.pk, persons.get(number)))
            if entry is None or not entry.hinder:
                _problem(
                    delivery,
                    "households",
                    reference,
                    f"försörjningshinder saknas för {who} ({month_sv(str(month))})",
                )
                continue
            for field_name, table_id, code in (
                (f"hinder_{i}", outcomes.HINDER, entry.hinder),
                (f"activity_{i}", outcomes.ACTIVITIES, entry.activity),
            ):
                if not code:
                    continue  # no activity: the field stays empty
                mapped, trouble = codes.map(table_id, month, code, reference, who)
                row[field_name] = mapped
                if trouble is not None:
                    delivery.blocked_records.add(("households", reference))
                    if trouble:
                        delivery.problems.append(Problem(trouble, reference))
        if not adults:
            _problem(delivery, "households", reference, "ansökan saknar sökande")
        row["household_type"] = household_type(adult_numbers, children, day)
        delivery.households.append(row)
        summary.households += 1
        summary.adults += len(adult_numbers)
        summary.children += children
        summary.recipients += len(adult_numbers) + sum(
            1 for m in members if m.get("role") == "child"
        )
        summary.amount_kr += int(row["amount_kr"])
        summary.by_type[row["household_type"]] += 1


def _exits(
    delivery: Delivery, month: Month, municipality: Municipality, codes: _Codes, common: dict
) -> None:
    start, end = _month_bounds(month)
    reasons = (
        ExitReason.objects.filter(
            period__case__municipality=municipality,
            period__closed_at__gte=start,
            period__closed_at__lt=end,
        )
        .filter(~Q(period__closed_at=None))
        .select_related("period__case", "person")
        .order_by("period__case__reference", "person__personnummer")
    )
    for reason in reasons:
        reference = reason.period.case.reference
        mapped, trouble = codes.map(
            outcomes.EXIT_REASONS, reason.table_valid_from, reason.code, reference, "en vuxen"
        )
        if trouble is not None:
            delivery.blocked_records.add(("exits", reference))
            if trouble:
                delivery.problems.append(Problem(trouble, reference))
        delivery.exits.append(
            {**common, "personnummer": reason.person.personnummer, "exit_reason": mapped}
        )
        delivery.summary.exits += 1
        delivery.summary.exits_by_reason[reason.code] += 1


def _problem(delivery: Delivery, file: str, reference: str, text: str) -> None:
    delivery.blocked_records.add((file, reference))
    delivery.problems.append(Problem(text, reference))


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    records: int
    sha256: str


def write(delivery: Delivery, directory: Path, *, actor: str) -> list[WrittenFile]:
    """Write the delivery's two files into ``directory`` (created 0700 if missing), each 0600,
    atomically (a temporary file renamed into place), and audit it (counts and digests only).
    The caller has checked ``may_write``."""
    layout = delivery.layout
    if layout is None:
        raise ValueError("a delivery without a layout cannot be written")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    kommun, month = delivery.municipality.kommunkod, str(delivery.month)
    written = []
    for key, records in (("households", delivery.households), ("exits", delivery.exits)):
        content = layout.render(key, records)
        path = directory / layout.files[key].file_name(kommun, month)
        _write_private(path, content)
        written.append(WrittenFile(path, len(records), hashlib.sha256(content).hexdigest()))
    record(
        "statistics.delivery_written",
        actor=actor,
        subject=f"municipality:{delivery.municipality.pk}",
        data={
            "month": month,
            "kommun": kommun,
            "layout_valid_from": layout.version.valid_from.isoformat(),
            "layout_status": layout.version.status,
            "households": delivery.summary.households,
            "exits": delivery.summary.exits,
            "complete": delivery.complete,
            "blocked_records": len(delivery.blocked_records),
            "files": {f.path.name: f.sha256 for f in written},
        },
    )
    return written


def _write_private(path: Path, content: bytes) -> None:
    fd, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        os.chmod(path, 0o600)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- the schedule


def due_date(month: Month) -> date:
    """The day the month's delivery is due: the layout's ``due_day`` of the following month
    (HSLF-FS 2015:30 3 §: the 15th)."""
    layout = layout_for(month)
    following = (
        Month(month.year + 1, 1) if month.month == 12 else Month(month.year, month.month + 1)
    )
    return following.first_day.replace(day=layout.due_day)


def summary_lines(delivery: Delivery) -> list[str]:
    """The human-readable summary (no personal data)."""
    s = delivery.summary
    lines = [
        f"Månadsstatistik om ekonomiskt bistånd för {month_sv(str(delivery.month))}, "
        f"{delivery.municipality.name} (kommunkod {delivery.municipality.kommunkod or 'saknas'})",
        f"  hushåll: {s.households}",
        f"  biståndsmottagare: {s.recipients} (vuxna {s.adults}, barn under 18 år {s.children})",
        f"  utbetalt för månaden: {s.amount_kr} kr",
        "  per hushållstyp:",
    ]
    for code, label in HOUSEHOLD_TYPES.items():
        if code in s.by_type:
            lines.append(f"    {code} {label}: {s.by_type[code]}")
    lines.append(f"  avslutade (avslutsorsaker, en per vuxen): {s.exits}")
    for code, count in sorted(s.exits_by_reason.items()):
        lines.append(f"    {code}: {count}")
    if delivery.layout is not None and not delivery.layout.confirmed:
        lines.append(
            "  OBS: postbeskrivningen är inte bekräftad mot Socialstyrelsens tekniska beskrivning "
            "(status provisional; se docs/statistics.md)."
        )
    return lines
