"""Tables as text: the page's cells and the CSV download, from one formatting function.

CSV for Swedish Excel: semicolon-separated, UTF-8 with a byte order mark (so å, ä, ö read
right), CRLF, decimal comma; shares in per cent with one decimal (the heading says "(%)"), as
on the page. The same convention as the payment CSV (bistand/payments/render.py).
"""

from __future__ import annotations

import csv
import io

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
    writer.writerow([heading(table, key, label) for key, label in table.columns])
    for row in table.rows:
        writer.writerow([number_text(row.get(key), table.kind(key)) for key, _ in table.columns])
    return out.getvalue().encode("utf-8-sig")
