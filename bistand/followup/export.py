"""Tables as text: the page's cells and the CSV download, from one formatting function.

CSV for Swedish Excel: semicolon-separated, UTF-8 with a byte order mark (so å, ä, ö read
right), CRLF, decimal comma; shares in per cent with one decimal (the heading says "(%)"), as
on the page. The same convention as the payment CSV (bistand/payments/render.py). A text cell
that starts like a formula (=, +, -, @, tab, CR) gets a leading apostrophe (``csv_safe``).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from .measures.base import Table


def number_text(value, kind: str) -> str:
    """The value as Swedish text without a unit ("" for no value)."""
    if value is None:
        return ""
    if kind == "share":
        return f"{value * 100:.1f}".replace(".", ",")
    if kind in ("hours", "decimal"):
        return f"{value:.1f}".replace(".", ",")
    if kind == "int":
        return str(value)
    return str(value)


#: What a spreadsheet may read as the start of a formula (CSV injection, OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value, text: str) -> str:
    """``text`` for a CSV cell: a text value that starts like a formula gets a leading
    apostrophe, so Excel shows it as text; a number (e.g. -3, written -3) stays a number."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return text
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_row(cells) -> list[str]:
    """(value, text) pairs as CSV cells (``csv_safe``)."""
    return [csv_safe(value, text) for value, text in cells]


def cell_text(value, kind: str) -> str:
    """As on the page: shares with "%", thousands grouped with a thin space, "–" for none."""
    if value is None:
        return "–"
    if kind == "int":
        return f"{value:,}".replace(",", "\u202f")
    text = number_text(value, kind)
    return f"{text} %" if kind == "share" else text


def heading(table: Table, key: str, label: str) -> str:
    return f"{label} (%)" if table.kind(key) == "share" else label


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_row((label, heading(table, key, label)) for key, label in table.columns))
    for row in table.rows:
        writer.writerow(
            csv_row(
                (row.get(key), number_text(row.get(key), table.kind(key)))
                for key, _ in table.columns
            )
        )
    return out.getvalue().encode("utf-8-sig")
