"""The record layout of the delivery to Socialstyrelsen, read from dated YAML
(``layouts/socialstyrelsen.yaml``) through the parameter loader: which files, which columns in
which order, separator, line ending, encoding, and the day of the month it is due.

The layout is data so that the day Socialstyrelsen's current technical description is checked,
a new dated version is entered and nothing in the code changes (docs/statistics.md)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from bistand.rules.errors import ParameterFileError
from bistand.rules.parameters import Version, table_from_document
from bistand.rules.period import Month

LAYOUT_FILE = Path(__file__).parent / "layouts" / "socialstyrelsen.yaml"

#: The fields a delivery computes, per file; a column names one of them.
FIELDS = {
    "households": (
        "year",
        "month",
        "kommun",
        "district",
        "children",
        "amount_kr",
        "personnummer_1",
        "personnummer_2",
        "household_type",
        "hinder_1",
        "hinder_2",
        "activity_1",
        "activity_2",
    ),
    "exits": ("year", "month", "kommun", "district", "personnummer", "exit_reason"),
}


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    confirmed: bool


@dataclass(frozen=True)
class FileLayout:
    key: str
    title: str
    name: str
    columns: tuple[Column, ...]

    def file_name(self, kommun: str, month: str) -> str:
        return self.name.format(kommun=kommun, month=month)


@dataclass(frozen=True)
class Layout:
    version: Version
    due_day: int
    separator: str
    line_ending: str
    encoding: str
    header: bool
    files: dict[str, FileLayout]

    @property
    def confirmed(self) -> bool:
        return self.version.status == "official"

    def render(self, key: str, records: list[dict[str, str]]) -> bytes:
        """The file's bytes: a header line (if the layout has one) and one line per record."""
        layout = self.files[key]
        lines = []
        if self.header:
            lines.append(self.separator.join(c.name for c in layout.columns))
        for record in records:
            values = [str(record.get(c.field, "")) for c in layout.columns]
            for value in values:
                if self.separator in value or "\r" in value or "\n" in value:
                    raise ValueError(f"ett värde i {layout.title} innehåller en avgränsare")
            lines.append(self.separator.join(values))
        return "".join(line + self.line_ending for line in lines).encode(self.encoding)


@functools.cache
def _table(path: Path = LAYOUT_FILE):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return table_from_document(doc, path.name)


def layout_for(month: Month, path: Path = LAYOUT_FILE) -> Layout:
    """The layout in force for the month (``MissingParameterError`` when none is)."""
    version = _table(path).version_for(month)
    return _parse(version)


def _parse(version: Version) -> Layout:
    values = version.data.get("values") or {}
    where = f"{version.file} (från {version.valid_from})"
    files = {}
    for key, fields in FIELDS.items():
        raw = (values.get("files") or {}).get(key)
        if not isinstance(raw, dict) or not raw.get("columns"):
            raise ParameterFileError(f"{where}: files.{key}.columns saknas")
        columns = []
        for i, column in enumerate(raw["columns"]):
            if not isinstance(column, dict) or column.get("field") not in fields:
                raise ParameterFileError(
                    f"{where}: files.{key}.columns[{i}]: field ska vara ett av {', '.join(fields)}"
                )
            columns.append(
                Column(str(column["name"]), column["field"], bool(column.get("confirmed")))
            )
        files[key] = FileLayout(key, str(raw.get("title", key)), str(raw["name"]), tuple(columns))
    due_day = values.get("due_day")
    if not isinstance(due_day, int) or not 1 <= due_day <= 28:
        raise ParameterFileError(f"{where}: due_day ska vara en dag 1–28")
    return Layout(
        version=version,
        due_day=due_day,
        separator=str(values.get("separator", "\t")),
        line_ending=str(values.get("line_ending", "\r\n")),
        encoding=str(values.get("encoding", "utf-8")),
        header=bool(values.get("header", True)),
        files=files,
    )
