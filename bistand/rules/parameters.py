"""Dated parameters: YAML tables under ``parameters/``, resolved for one month.

Every table file holds ``versions``; each version has the date it applies from
(``valid_from``), optionally the last date it applies (``valid_until``), a
``status`` (``official`` or ``provisional``), its legal ``reference`` and a
``source`` saying where the figures come from. A row may override the status.

The version that applies to a month is the one in force on the first day of
the month. A month that no version covers is an error: we never fall back to
the nearest year. See docs/rules.md for how to enter a new year.

From 2027 (the reform "bidragstak", prop. 2025/26:201) three more tables are
required: ``riksnorm.reference_value`` (the reference value the riksnorm's rows
may be derived from: a row gives ``share`` or ``items`` instead of ``amount``),
``riksnorm.ceiling`` (the riksnorm as a ceiling on what may be granted) and
``riksnorm.large_household_limit`` (with its phase-in). They are listed in
``TABLE_SPECS`` with the date from which a month needs them; until their files
are entered they are tables without versions, so a 2027 month is an error naming
them. The files are validated when they are loaded (``ParameterFileError`` names
the file and the field). See docs/rules.md section 7 and
``parameters/templates/2027.yaml`` (a template, never loaded).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, MissingParameterError, ParameterFileError
from .period import Month

PACKAGE_PARAMETERS = Path(__file__).parent / "parameters"
STATUSES = ("official", "provisional")
OFFICIAL = "official"
PROVISIONAL = "provisional"
ROUNDING_MODES = {"ROUND_HALF_UP": ROUND_HALF_UP, "ROUND_DOWN": ROUND_DOWN, "ROUND_UP": ROUND_UP}
#: Table folders the store loads (local guidelines are loaded separately).
TABLE_FOLDERS = ("riksnorm", "national", "statistics")


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A table the schema knows of before its file exists: its title and from when it is needed.

    ``required_from`` is the first day a month needs the table (the reform's entry into force,
    1 January 2027, per prop. 2025/26:201 and the lagrådsremiss of December 2025); a file may
    override it with a top-level ``required_from``.
    """

    title: str
    file: str
    required_from: date


REFORM_2027 = date(2027, 1, 1)
TABLE_SPECS: dict[str, TableSpec] = {
    "riksnorm.reference_value": TableSpec(
        "Riksnormens referensvärde", "riksnorm/reference_value.yaml", REFORM_2027
    ),
    "riksnorm.ceiling": TableSpec(
        "Bidragstaket (riksnormen som tak)", "riksnorm/ceiling.yaml", REFORM_2027
    ),
    "riksnorm.large_household_limit": TableSpec(
        "Begränsning för stora hushåll", "riksnorm/large_household_limit.yaml", REFORM_2027
    ),
}


@dataclass(frozen=True, slots=True)
class Version:
    """One dated version of a table (or of a municipality's guidelines)."""

    table: str
    title: str
    valid_from: date
    valid_until: date | None
    status: str
    reference: str
    source: str
    file: str
    data: dict[str, Any] = field(repr=False, hash=False, compare=False)

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def period(self) -> str:
        return f"{self.valid_from}–{self.valid_until or ''}"

    def describe(self) -> dict[str, Any]:
        """The version as it appears in a trace's list of parameters."""
        return {
            "id": self.table,
            "title": self.title,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "status": self.status,
            "reference": self.reference,
            "source": self.source,
            "file": self.file,
        }


@dataclass(frozen=True, slots=True)
class Value:
    """One parameter value as a calculation line cites it."""

    amount: Decimal
    table: str
    key: str
    valid_from: str
    status: str
    reference: str
    #: How a derived amount was computed (share(s) of the reference value), for the trace.
    derived: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    def cite(self) -> dict[str, Any]:
        cited: dict[str, Any] = {
            "id": self.table,
            "key": self.key,
            "amount": str(self.amount),
            "valid_from": self.valid_from,
            "status": self.status,
            "reference": self.reference,
        }
        if self.derived is not None:
            cited["derived"] = self.derived
        return cited


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    title: str
    file: str
    versions: tuple[Version, ...]
    #: The first day a month needs this table; None: every month it is asked for.
    required_from: date | None = None

    def needed_for(self, month: Month) -> bool:
        return self.required_from is None or self.required_from <= month.first_day

    def find(self, month: Month) -> Version | None:
        """The version in force on the month's first day, or None."""
        day = month.first_day
        for version in self.versions:
            if version.covers(day):
                return version
        return None

    def version_for(self, month: Month) -> Version:
        day = month.first_day
        for version in self.versions:
            if version.covers(day):
                return version
        known = ", ".join(v.period() for v in self.versions) or "inga"
        raise MissingParameterError(
            f"Det finns inga värden i {self.id} ({self.title}) för {month}. "
            f"Tabellen har värden för: {known}. En månad utan tabell beräknas aldrig "
            "med ett annat års belopp; lägg in årets belopp (se docs/rules.md)."
        )


def _as_decimal(raw: object, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, str, float)):
        raise ParameterFileError(f"{where}: {raw!r} är inget tal")
    try:
        return Decimal(str(raw))
    except ArithmeticError:
        raise ParameterFileError(f"{where}: {raw!r} är inget tal") from None


def _version(table_id: str, title: str, file: str, raw: dict[str, Any], i: int) -> Version:
    where = f"{file}: versions[{i}]"
    for key in ("valid_from", "status", "reference", "source"):
        if key not in raw or raw[key] in (None, ""):
            raise ParameterFileError(f"{where}: {key} saknas")
    if not isinstance(raw["valid_from"], date):
        raise ParameterFileError(f"{where}: valid_from måste vara ett datum (ÅÅÅÅ-MM-DD)")
    until = raw.get("valid_until")
    if until is not None and (not isinstance(until, date) or until < raw["valid_from"]):
        raise ParameterFileError(f"{where}: valid_until måste vara ett datum efter valid_from")
    if raw["status"] not in STATUSES:
        raise ParameterFileError(f"{where}: status måste vara official eller provisional")
    data = {k: v for k, v in raw.items() if k not in Version.__dataclass_fields__}
    return Version(
        table=table_id,
        title=title,
        valid_from=raw["valid_from"],
        valid_until=until,
        status=raw["status"],
        reference=str(raw["reference"]).strip(),
        source=" ".join(str(raw["source"]).split()),
        file=file,
        data=data,
    )


def load_table(path: Path, root: Path) -> Table:
    file = path.relative_to(root).as_posix()
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterFileError(f"{file}: ogiltig YAML: {exc}") from None
    if not isinstance(doc, dict) or not doc.get("id") or not isinstance(doc.get("versions"), list):
        raise ParameterFileError(f"{file}: filen måste ha id och en lista versions")
    return table_from_document(doc, file)


def table_from_document(doc: dict[str, Any], file: str) -> Table:
    """A table from its parsed YAML document, validated (``file`` names it in errors)."""
    title = str(doc.get("title") or doc["id"])
    versions = tuple(
        sorted(
            (_version(doc["id"], title, file, v, i) for i, v in enumerate(doc["versions"])),
            key=lambda v: v.valid_from,
        )
    )
    # A version without valid_until applies until the next one takes over.
    versions = tuple(
        dataclasses.replace(v, valid_until=later.valid_from - timedelta(days=1))
        if v.valid_until is None and later is not None
        else v
        for v, later in zip(versions, (*versions[1:], None), strict=True)
    )
    for earlier, later in itertools.pairwise(versions):
        if earlier.valid_until >= later.valid_from:  # type: ignore[operator]
            raise ParameterFileError(
                f"{file}: versionen från {earlier.valid_from} överlappar versionen från "
                f"{later.valid_from}"
            )
    spec = TABLE_SPECS.get(str(doc["id"]))
    required_from = doc.get("required_from", spec.required_from if spec else None)
    if required_from is not None and not isinstance(required_from, date):
        raise ParameterFileError(f"{file}: required_from måste vara ett datum (ÅÅÅÅ-MM-DD)")
    for i, version in enumerate(versions):
        validate_version(version, f"{file}: versions[{i}] (från {version.valid_from})")
    return Table(
        id=str(doc["id"]),
        title=title,
        file=file,
        versions=versions,
        required_from=required_from,
    )


# --------------------------------------------------------------------------- schema checks

RIKSNORM_ROW_TABLES = ("riksnorm.adults", "riksnorm.children", "riksnorm.common_household_costs")
ROW_COLUMNS = ("amount", "without_lunch")
CEILING_LIMITS = ("need", "amount")
COUNT_ORDERS = ("oldest_first", "youngest_first")
DERIVED_PER = ("row", "item")


def _number(raw: object, where: str, *, positive: bool = False, share: bool = False) -> Decimal:
    value = _as_decimal(raw, where)
    if positive and value <= 0:
        raise ParameterFileError(f"{where}: måste vara större än 0 (fick {raw!r})")
    if share and not 0 <= value <= 1:
        raise ParameterFileError(f"{where}: en andel mellan 0 och 1 (fick {raw!r})")
    return value


def _mapping(raw: object, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ParameterFileError(f"{where}: ska vara en tabell (nyckel: värde)")
    return raw


def _check_riksnorm_rows(version: Version, where: str) -> None:
    values = version.data.get("values")
    if values is None:
        return  # reported when resolved ("saknar values")
    for key, row in _mapping(values, f"{where}.values").items():
        at = f"{where}.values.{key}"
        if not isinstance(row, dict):
            _number(row, at)
            continue
        for column in ROW_COLUMNS:
            share_key, items_key = _derived_keys(column)
            given = [k for k in (column, share_key, items_key) if k in row]
            if len(given) > 1:
                raise ParameterFileError(f"{at}: ange bara ett av {', '.join(given)}")
            if column == "amount" and not given:
                raise ParameterFileError(f"{at}: amount, share eller items saknas")
            if column in row:
                _number(row[column], f"{at}.{column}")
            if share_key in row:
                _number(row[share_key], f"{at}.{share_key}", positive=True)
            if items_key in row:
                items = _mapping(row[items_key], f"{at}.{items_key}")
                if not items:
                    raise ParameterFileError(f"{at}.{items_key}: inga poster")
                for name, share in items.items():
                    _number(share, f"{at}.{items_key}.{name}", positive=True)


def _check_reference_value(version: Version, where: str) -> None:
    values = _mapping(version.data.get("values"), f"{where}.values")
    _number(values.get("amount"), f"{where}.values.amount", positive=True)
    rounding = _mapping(values.get("derived_rounding"), f"{where}.values.derived_rounding")
    _number(rounding.get("quantum"), f"{where}.values.derived_rounding.quantum", positive=True)
    if rounding.get("mode") not in ROUNDING_MODES:
        raise ParameterFileError(
            f"{where}.values.derived_rounding.mode: en av {', '.join(ROUNDING_MODES)}"
        )
    if rounding.get("per") not in DERIVED_PER:
        raise ParameterFileError(f"{where}.values.derived_rounding.per: row eller item")


def _check_ceiling(version: Version, where: str) -> None:
    values = _mapping(version.data.get("values"), f"{where}.values")
    _number(values.get("norm_factor"), f"{where}.values.norm_factor", positive=True)
    if values.get("limits") not in CEILING_LIMITS:
        raise ParameterFileError(f"{where}.values.limits: need eller amount")
    outside = values.get("costs_outside_ceiling")
    if not isinstance(outside, list) or not all(isinstance(c, str) for c in outside):
        raise ParameterFileError(
            f"{where}.values.costs_outside_ceiling: en lista med kostnadsslag (kan vara tom: [])"
        )


def _check_large_household(version: Version, where: str) -> None:
    values = _mapping(version.data.get("values"), f"{where}.values")
    from_child = values.get("from_child")
    if isinstance(from_child, bool) or not isinstance(from_child, int) or from_child < 1:
        raise ParameterFileError(f"{where}.values.from_child: ett heltal från 1")
    if values.get("count_order") not in COUNT_ORDERS:
        raise ParameterFileError(f"{where}.values.count_order: oldest_first eller youngest_first")
    if not isinstance(values.get("count_part_time"), bool):
        raise ParameterFileError(f"{where}.values.count_part_time: true eller false")
    reduction = _mapping(values.get("reduction"), f"{where}.values.reduction")
    for household in ("single", "couple"):
        _number(reduction.get(household), f"{where}.values.reduction.{household}", share=True)
    phase_in = values.get("phase_in", [])
    if not isinstance(phase_in, list):
        raise ParameterFileError(f"{where}.values.phase_in: en lista med from och share")
    previous = None
    for i, step in enumerate(phase_in):
        at = f"{where}.values.phase_in[{i}]"
        step = _mapping(step, at)
        if not isinstance(step.get("from"), date):
            raise ParameterFileError(f"{at}.from: ett datum (ÅÅÅÅ-MM-DD)")
        if previous is not None and step["from"] <= previous:
            raise ParameterFileError(f"{at}.from: stegen ska komma i datumordning")
        previous = step["from"]
        _number(step.get("share"), f"{at}.share", share=True)


SCHEMA_CHECKS = {
    **dict.fromkeys(RIKSNORM_ROW_TABLES, _check_riksnorm_rows),
    "riksnorm.reference_value": _check_reference_value,
    "riksnorm.ceiling": _check_ceiling,
    "riksnorm.large_household_limit": _check_large_household,
}


def validate_version(version: Version, where: str) -> None:
    """The version's values have the shape its table needs (ParameterFileError otherwise)."""
    check = SCHEMA_CHECKS.get(version.table)
    if check is not None:
        check(version, where)


def _derived_keys(column: str) -> tuple[str, str]:
    return ("share", "items") if column == "amount" else (f"{column}_share", f"{column}_items")


def merge_table(existing: Table, candidate: Table) -> Table:
    """``existing`` as it would be with ``candidate`` entered: the candidate's versions replace
    the table from the candidate's first ``valid_from`` on (a whole edited file thus replaces
    the whole table); a version in force at that day ends the day before."""
    if not candidate.versions:
        raise ParameterFileError(f"{candidate.file}: filen har inga versioner")
    start = candidate.versions[0].valid_from
    kept = []
    for version in existing.versions:
        if version.valid_from >= start:
            continue
        if version.valid_until is None or version.valid_until >= start:
            version = dataclasses.replace(version, valid_until=start - timedelta(days=1))
        kept.append(version)
    return dataclasses.replace(
        existing,
        versions=(*kept, *candidate.versions),
        required_from=candidate.required_from
        if candidate.required_from is not None
        else existing.required_from,
    )


# --------------------------------------------------------------------------- resolved set


def band_text(lowest: int, highest: int) -> str:
    return f"{lowest} år" if lowest == highest else f"{lowest}–{highest} år"


@dataclass(frozen=True, slots=True)
class ChildBand:
    lowest_age: int
    highest_age: int
    full: Value
    without_lunch: Value | None
    label: str
    label_without_lunch: str


@dataclass(frozen=True, slots=True)
class CapRow:
    """One row of a local cap table; ``None`` in a condition means "any"."""

    value: Value
    adults: int | None = None
    children: int | None = None
    children_at_least: int | None = None
    persons: int | None = None
    persons_at_least: int | None = None

    def matches(self, adults: int, children: int, persons: int) -> bool:
        return (
            (self.adults is None or self.adults == adults)
            and (self.children is None or self.children == children)
            and (self.children_at_least is None or children >= self.children_at_least)
            and (self.persons is None or self.persons == persons)
            and (self.persons_at_least is None or persons >= self.persons_at_least)
        )


@dataclass(frozen=True, slots=True)
class Guidelines:
    """A municipality's local guidelines in force in the month."""

    name: str
    municipality: str
    version: Version
    rent_caps: tuple[CapRow, ...]
    cost_caps: dict[str, tuple[CapRow, ...]]
    cap_cache: dict[tuple[str, int, int, int], Value | None] = field(
        default_factory=dict, compare=False, repr=False
    )


@dataclass(frozen=True, slots=True)
class IncomeType:
    code: str
    label: str
    counted: bool
    employment: bool
    reference: str


@dataclass(frozen=True, slots=True)
class ReferenceValue:
    """The riksnorm's reference value in force (from 2027), from which rows may be derived."""

    value: Value
    quantum: Decimal
    mode: str
    per: str  # "row": round the row's sum of shares once; "item": round each item

    def derive(self, version: Version, key: str, raw: Any, status: str) -> Value:
        """A row's amount from its share, or from its items' shares, of the reference value."""
        base = self.value.amount
        if isinstance(raw, dict):
            shares = {str(k): Decimal(str(v)) for k, v in raw.items()}
            if self.per == "item":
                amount = sum((self._round(base * s) for s in shares.values()), Decimal(0))
            else:
                amount = self._round(base * sum(shares.values(), Decimal(0)))
            detail: dict[str, Any] = {"items": {k: str(v) for k, v in shares.items()}}
        else:
            share = Decimal(str(raw))
            amount = self._round(base * share)
            detail = {"share": str(share)}
        detail.update(
            reference_value=str(base),
            reference_value_table=self.value.table,
            reference_value_from=self.value.valid_from,
            rounding={"quantum": str(self.quantum), "mode": self.mode, "per": self.per},
        )
        worst = PROVISIONAL if PROVISIONAL in (status, self.value.status) else OFFICIAL
        return Value(
            amount=amount,
            table=version.table,
            key=key,
            valid_from=version.valid_from.isoformat(),
            status=worst,
            reference=version.reference,
            derived=detail,
        )

    def _round(self, amount: Decimal) -> Decimal:
        steps = (amount / self.quantum).quantize(Decimal(1), rounding=ROUNDING_MODES[self.mode])
        return steps * self.quantum


@dataclass(frozen=True, slots=True)
class Ceiling:
    """The riksnorm as a ceiling on what may be granted (bidragstak, from 2027).

    ceiling = norm_factor × the household's riksnorm + accepted costs of the types in
    ``costs_outside_ceiling``; ``limits`` says what it caps: ``need`` (riksnorm + costs,
    before income is deducted) or ``amount`` (what is paid, after income).
    """

    norm_factor: Value
    limits: str
    costs_outside_ceiling: tuple[str, ...]
    version: Version


@dataclass(frozen=True, slots=True)
class LargeHouseholdLimit:
    """Children from the ``from_child``-th on get their personal costs reduced (from 2027).

    reduction for the month = reduction (single or couple) × the phase-in share in force.
    """

    from_child: int
    count_order: str
    count_part_time: bool
    single: Value
    couple: Value
    phase_in_share: Decimal
    phase_in_from: date | None
    version: Version


@dataclass(slots=True)
class ParameterSet:
    """Everything a calculation for one month (and one municipality) needs, resolved once."""

    month: Month
    children_by_age: tuple[ChildBand, ...]  # index = age 0..20
    adult_single: Value
    adult_couple: Value
    common_costs: dict[int, Value]  # household size 1..7
    common_costs_largest: int  # the largest household size in the table (7)
    age_counted_at: str
    age_day: date  # the day a child's age is counted on this month
    days_divisor: Value
    jobbstimulans_share: Value
    income_types: dict[str, IncomeType]
    cost_labels: dict[str, str]
    cost_reference: str
    rounding_quantum: Decimal
    rounding_mode: str
    rounding: Value
    guidelines: Guidelines | None
    versions: tuple[Version, ...]
    rounding_description: dict[str, Any]
    has_provisional: bool  # whether any value in force this month is provisional
    described_versions: list[dict[str, Any]]  # as a trace lists them; shared, do not mutate
    _price_base_amount: Value | None
    _price_base_error: str
    # From 2027 (None in a month before the tables are required and without a version).
    reference_value: ReferenceValue | None = None
    ceiling: Ceiling | None = None
    large_household: LargeHouseholdLimit | None = None

    def price_base_amount(self) -> Value:
        """Prisbasbelopp for the calendar year; an error only when a rule needs a missing year."""
        if self._price_base_amount is None:
            raise MissingParameterError(self._price_base_error)
        return self._price_base_amount


def _has_provisional_row(version: Version) -> bool:
    values = version.data.get("values")
    return isinstance(values, dict) and any(
        isinstance(row, dict) and row.get("status") == PROVISIONAL for row in values.values()
    )


def _value(version: Version, key: str, amount: object, status: str | None = None) -> Value:
    return Value(
        amount=_as_decimal(amount, f"{version.file}: {key}"),
        table=version.table,
        key=key,
        valid_from=version.valid_from.isoformat(),
        status=status or version.status,
        reference=version.reference,
    )


def _rows(version: Version) -> dict[str, Any]:
    values = version.data.get("values")
    if not isinstance(values, dict):
        raise ParameterFileError(
            f"{version.file}: versionen från {version.valid_from} saknar values"
        )
    return values


def _row_value(
    version: Version,
    key: str,
    column: str = "amount",
    reference: ReferenceValue | None = None,
) -> Value | None:
    row = _rows(version).get(key)
    if row is None:
        raise ParameterFileError(f"{version.file}: raden {key!r} saknas ({version.valid_from})")
    if not isinstance(row, dict):
        row = {"amount": row}
    status = row.get("status", version.status)
    if status not in STATUSES:
        raise ParameterFileError(f"{version.file}: {key}: okänd status {status!r}")
    name = key if column == "amount" else f"{key}.{column}"
    if column in row:
        return _value(version, name, row[column], status)
    derived = [k for k in _derived_keys(column) if k in row]
    if not derived:
        return None
    if reference is None:
        raise MissingParameterError(
            f"{version.file}: raden {key!r} räknas fram ur riksnormens referensvärde, men "
            f"riksnorm.reference_value har inget värde för {version.valid_from:%Y-%m} "
            "(se docs/rules.md avsnitt 7)."
        )
    return reference.derive(version, name, row[derived[0]], status)


def _required_value(version: Version, key: str, reference: ReferenceValue | None = None) -> Value:
    value = _row_value(version, key, reference=reference)
    if value is None:
        raise ParameterFileError(
            f"{version.file}: raden {key!r} saknar amount ({version.valid_from})"
        )
    return value


def _age_bands(version: Version, reference: ReferenceValue | None = None) -> tuple[ChildBand, ...]:
    bands: list[ChildBand | None] = [None] * 21
    for key in _rows(version):
        low, _, high = str(key).partition("-")
        lowest, highest = int(low), int(high or low)
        full = _required_value(version, str(key), reference)
        label = f"Personliga kostnader, barn {band_text(lowest, highest)}"
        band = ChildBand(
            lowest,
            highest,
            full,
            _row_value(version, str(key), "without_lunch", reference),
            label,
            f"{label}, lunch utanför hemmet fem dagar i veckan",
        )
        for age in range(lowest, highest + 1):
            bands[age] = band
    if any(b is None for b in bands):
        raise ParameterFileError(
            f"{version.file}: åldersbanden täcker inte 0–20 år ({version.valid_from})"
        )
    return tuple(b for b in bands if b is not None)


def _cap_rows(version: Version, rows: object, what: str) -> tuple[CapRow, ...]:
    if not isinstance(rows, list) or not rows:
        raise ParameterFileError(f"{version.file}: {what} måste vara en lista med rader")
    result = []
    conditions = ("adults", "children", "children_at_least", "persons", "persons_at_least")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or "amount" not in row:
            raise ParameterFileError(f"{version.file}: {what}[{i}] saknar amount")
        unknown = set(row) - {"amount", *conditions}
        if unknown:
            raise ParameterFileError(f"{version.file}: {what}[{i}]: okända fält {sorted(unknown)}")
        label = ", ".join(f"{k}={row[k]}" for k in conditions if k in row) or "alla"
        result.append(
            CapRow(
                value=_value(version, f"{what}[{label}]", row["amount"]),
                **{k: int(row[k]) for k in conditions if k in row},
            )
        )
    return tuple(result)


class ParameterStore:
    """All parameter tables and local guidelines, loaded once from YAML."""

    def __init__(self, root: Path = PACKAGE_PARAMETERS, local_dirs: tuple[Path, ...] = ()) -> None:
        self.root = root
        self._tables: dict[str, Table] = {}
        for path in sorted(p for folder in TABLE_FOLDERS for p in root.glob(f"{folder}/*.yaml")):
            table = load_table(path, root)
            if table.id in self._tables:
                raise ParameterFileError(f"{table.file}: id {table.id} finns redan")
            self._tables[table.id] = table
        # Tables the schema needs from a date but whose file is not entered yet: no versions.
        for table_id, spec in TABLE_SPECS.items():
            if table_id not in self._tables:
                self._tables[table_id] = Table(
                    table_id, spec.title, f"{spec.file} (inte inlagd)", (), spec.required_from
                )
        self._guidelines: dict[str, Table] = {}
        for directory in (root / "local", *local_dirs):
            for path in sorted(directory.glob("*.yaml")):
                table = load_table(path, root if directory == root / "local" else directory)
                self._guidelines[path.stem] = table
        self._resolved: dict[tuple[Month, str | None], ParameterSet] = {}

    def table(self, table_id: str) -> Table:
        try:
            return self._tables[table_id]
        except KeyError:
            raise ParameterFileError(f"tabellen {table_id} finns inte under {self.root}") from None

    def tables(self) -> list[Table]:
        return list(self._tables.values())

    def guideline_names(self) -> list[str]:
        return sorted(self._guidelines)

    def guideline_table(self, name: str) -> Table:
        return self._guidelines[name]

    def overlay(self, paths: list[Path] | tuple[Path, ...]) -> ParameterStore:
        """A copy of this store with candidate table files entered (nothing is written).

        Each file is one table (``id`` and ``versions``, as under ``riksnorm/`` or
        ``national/``); its versions replace the table from its first ``valid_from`` on
        (``merge_table``). A file whose id is new adds a table. Used by the dry run.
        """
        documents = []
        for path in paths:
            path = Path(path)
            if not path.is_file():
                raise ParameterFileError(f"{path}: filen finns inte")
            documents.append((path.name, path.read_text(encoding="utf-8")))
        return self.overlay_texts(documents)

    def overlay_texts(self, documents: list[tuple[str, str]]) -> ParameterStore:
        """``overlay`` for files given as (name, YAML text), e.g. uploaded in the admin."""
        other = copy.copy(self)
        other._tables = dict(self._tables)
        other._resolved = {}
        for name, text in documents:
            file = f"{name} (kandidat)"
            try:
                doc = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise ParameterFileError(f"{file}: ogiltig YAML: {exc}") from None
            if (
                not isinstance(doc, dict)
                or not doc.get("id")
                or not isinstance(doc.get("versions"), list)
            ):
                raise ParameterFileError(f"{file}: filen måste ha id och en lista versions")
            candidate = table_from_document(doc, file)
            existing = other._tables.get(candidate.id)
            if existing is None and candidate.id.startswith("local."):
                raise ParameterFileError(
                    f"{file}: lokala riktlinjer provkörs inte här; lägg filen under local/"
                )
            other._tables[candidate.id] = (
                candidate if existing is None else merge_table(existing, candidate)
            )
        return other

    def resolve(self, month: Month, guidelines: str | None = None) -> ParameterSet:
        key = (month, guidelines)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(month, guidelines)
        return found

    def _needed(self, table_id: str, month: Month) -> Version | None:
        """The version in force, an error if the month needs the table, else None."""
        table = self.table(table_id)
        return table.version_for(month) if table.needed_for(month) else table.find(month)

    def _reform_2027(
        self, month: Month, versions: list[Version]
    ) -> tuple[ReferenceValue | None, Ceiling | None, LargeHouseholdLimit | None]:
        reference = ceiling = limit = None
        found = self._needed("riksnorm.reference_value", month)
        if found is not None:
            versions.append(found)
            rows = _rows(found)
            rounding = rows["derived_rounding"]
            reference = ReferenceValue(
                _value(found, "amount", rows["amount"]),
                _as_decimal(rounding["quantum"], found.file),
                rounding["mode"],
                rounding["per"],
            )
        found = self._needed("riksnorm.ceiling", month)
        if found is not None:
            versions.append(found)
            rows = _rows(found)
            ceiling = Ceiling(
                _value(found, "norm_factor", rows["norm_factor"]),
                rows["limits"],
                tuple(rows["costs_outside_ceiling"]),
                found,
            )
        found = self._needed("riksnorm.large_household_limit", month)
        if found is not None:
            versions.append(found)
            rows = _rows(found)
            share, since = Decimal(1), None
            steps = rows.get("phase_in") or []
            if steps:
                share = Decimal(0)
                for step in steps:
                    if step["from"] <= month.first_day:
                        share, since = Decimal(str(step["share"])), step["from"]
            limit = LargeHouseholdLimit(
                from_child=int(rows["from_child"]),
                count_order=rows["count_order"],
                count_part_time=bool(rows["count_part_time"]),
                single=_value(found, "reduction.single", rows["reduction"]["single"]),
                couple=_value(found, "reduction.couple", rows["reduction"]["couple"]),
                phase_in_share=share,
                phase_in_from=since,
                version=found,
            )
        return reference, ceiling, limit

    def _resolve(self, month: Month, guidelines: str | None) -> ParameterSet:
        children = self.table("riksnorm.children").version_for(month)
        adults = self.table("riksnorm.adults").version_for(month)
        common = self.table("riksnorm.common_household_costs").version_for(month)
        age_rule = self.table("national.age_rule").version_for(month)
        part_time = self.table("national.part_time_children").version_for(month)
        jobbstimulans = self.table("national.jobbstimulans").version_for(month)
        income_types = self.table("national.income_types").version_for(month)
        cost_types = self.table("national.cost_types").version_for(month)
        rounding = self.table("national.rounding").version_for(month)
        versions = [
            children,
            adults,
            common,
            age_rule,
            part_time,
            jobbstimulans,
            income_types,
            cost_types,
            rounding,
        ]
        reference, ceiling, large_household = self._reform_2027(month, versions)

        local = None
        if guidelines is not None:
            if guidelines not in self._guidelines:
                known = ", ".join(self.guideline_names()) or "inga"
                raise InputError("guidelines", f"okända riktlinjer {guidelines!r} (kända: {known})")
            local_version = self._guidelines[guidelines].version_for(month)
            versions.append(local_version)
            caps = local_version.data.get("cost_caps") or {}
            if not isinstance(caps, dict):
                raise ParameterFileError(f"{local_version.file}: cost_caps måste vara en tabell")
            local = Guidelines(
                name=guidelines,
                municipality=str(self._guidelines[guidelines].title),
                version=local_version,
                rent_caps=_cap_rows(
                    local_version, local_version.data.get("rent_caps"), "rent_caps"
                ),
                cost_caps={k: _cap_rows(local_version, v, k) for k, v in caps.items()},
            )

        counted_at = _rows(age_rule).get("counted_at")
        if counted_at not in ("first_day_of_month", "last_day_of_month"):
            raise ParameterFileError(f"{age_rule.file}: counted_at {counted_at!r} är okänd")
        mode = _rows(rounding).get("mode")
        if mode not in ("ROUND_HALF_UP", "ROUND_DOWN", "ROUND_UP"):
            raise ParameterFileError(f"{rounding.file}: mode {mode!r} är okänd")
        rounding_value = _value(rounding, "quantum", _rows(rounding).get("quantum"))
        price_base, price_base_error = None, ""
        try:
            price_base_version = self.table("national.price_base_amount").version_for(month)
        except MissingParameterError as exc:
            price_base_error = str(exc)
        else:
            versions.append(price_base_version)
            price_base = _value(price_base_version, "amount", _rows(price_base_version)["amount"])
        single = _required_value(adults, "single", reference)
        couple = _required_value(adults, "couple", reference)
        common_costs = {int(k): _required_value(common, str(k), reference) for k in _rows(common)}
        if sorted(common_costs) != list(range(1, len(common_costs) + 1)) or len(common_costs) < 2:
            raise ParameterFileError(
                f"{common.file}: raderna ska vara 1, 2, 3 … personer utan lucka"
            )
        return ParameterSet(
            month=month,
            children_by_age=_age_bands(children, reference),
            adult_single=single,
            adult_couple=couple,
            common_costs=common_costs,
            common_costs_largest=max(common_costs),
            age_counted_at=counted_at,
            age_day=month.first_day if counted_at == "first_day_of_month" else month.last_day,
            days_divisor=_value(part_time, "days_divisor", _rows(part_time)["days_divisor"]),
            jobbstimulans_share=_value(
                jobbstimulans, "disregarded_share", _rows(jobbstimulans)["disregarded_share"]
            ),
            income_types={
                code: IncomeType(
                    code=code,
                    label=str(row["label"]),
                    counted=bool(row["counted"]),
                    employment=bool(row.get("employment", False)),
                    reference=str(row.get("reference") or income_types.reference),
                )
                for code, row in _rows(income_types).items()
            },
            cost_labels={code: str(row["label"]) for code, row in _rows(cost_types).items()},
            cost_reference=cost_types.reference,
            rounding_quantum=rounding_value.amount,
            rounding_mode=mode,
            rounding=rounding_value,
            guidelines=local,
            versions=tuple(versions),
            rounding_description={
                "rule": "monthly_amount",
                "quantum": str(rounding_value.amount),
                "mode": mode,
                "parameter": rounding_value.cite(),
            },
            described_versions=[v.describe() for v in versions],
            has_provisional=any(
                v.status == PROVISIONAL or _has_provisional_row(v) for v in versions
            ),
            _price_base_amount=price_base,
            _price_base_error=price_base_error,
            reference_value=reference,
            ceiling=ceiling,
            large_household=large_household,
        )


@functools.cache
def default_store() -> ParameterStore:
    """The parameters shipped with the package."""
    return ParameterStore()
