"""Dated parameters: YAML tables under ``parameters/``, resolved for one month.

Every table file holds ``versions``; each version has the date it applies from
(``valid_from``), optionally the last date it applies (``valid_until``), a
``status`` (``official`` or ``provisional``), its legal ``reference`` and a
``source`` saying where the figures come from. A row may override the status.

The version that applies to a month is the one in force on the first day of
the month. A month that no version covers is an error: we never fall back to
the nearest year. See docs/rules.md for how to enter a new year.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, MissingParameterError, ParameterFileError
from .period import Month

PACKAGE_PARAMETERS = Path(__file__).parent / "parameters"
STATUSES = ("official", "provisional")
OFFICIAL = "official"
PROVISIONAL = "provisional"


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

    def cite(self) -> dict[str, str]:
        return {
            "id": self.table,
            "key": self.key,
            "amount": str(self.amount),
            "valid_from": self.valid_from,
            "status": self.status,
            "reference": self.reference,
        }


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    title: str
    file: str
    versions: tuple[Version, ...]

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
    return Table(id=str(doc["id"]), title=title, file=file, versions=versions)


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


def _row_value(version: Version, key: str, column: str = "amount") -> Value | None:
    row = _rows(version).get(key)
    if row is None:
        raise ParameterFileError(f"{version.file}: raden {key!r} saknas ({version.valid_from})")
    if not isinstance(row, dict):
        row = {"amount": row}
    if column not in row:
        return None
    status = row.get("status", version.status)
    if status not in STATUSES:
        raise ParameterFileError(f"{version.file}: {key}: okänd status {status!r}")
    name = key if column == "amount" else f"{key}.{column}"
    return _value(version, name, row[column], status)


def _required_value(version: Version, key: str) -> Value:
    value = _row_value(version, key)
    if value is None:
        raise ParameterFileError(
            f"{version.file}: raden {key!r} saknar amount ({version.valid_from})"
        )
    return value


def _age_bands(version: Version) -> tuple[ChildBand, ...]:
    bands: list[ChildBand | None] = [None] * 21
    for key in _rows(version):
        low, _, high = str(key).partition("-")
        lowest, highest = int(low), int(high or low)
        full = _required_value(version, str(key))
        label = f"Personliga kostnader, barn {band_text(lowest, highest)}"
        band = ChildBand(
            lowest,
            highest,
            full,
            _row_value(version, str(key), "without_lunch"),
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
        for path in sorted([*root.glob("riksnorm/*.yaml"), *root.glob("national/*.yaml")]):
            table = load_table(path, root)
            if table.id in self._tables:
                raise ParameterFileError(f"{table.file}: id {table.id} finns redan")
            self._tables[table.id] = table
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

    def resolve(self, month: Month, guidelines: str | None = None) -> ParameterSet:
        key = (month, guidelines)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(month, guidelines)
        return found

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
        single, couple = _required_value(adults, "single"), _required_value(adults, "couple")
        common_costs = {int(k): _required_value(common, str(k)) for k in _rows(common)}
        if sorted(common_costs) != list(range(1, len(common_costs) + 1)) or len(common_costs) < 2:
            raise ParameterFileError(
                f"{common.file}: raderna ska vara 1, 2, 3 … personer utan lucka"
            )
        return ParameterSet(
            month=month,
            children_by_age=_age_bands(children),
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
        )


@functools.cache
def default_store() -> ParameterStore:
    """The parameters shipped with the package."""
    return ParameterStore()
