"""The CSV download never hands a spreadsheet a formula: a text cell starting with =, +, -, @,
tab or carriage return gets a leading apostrophe; numbers stay numbers."""

from __future__ import annotations

import csv
import io

from bistand.followup import keyfigures
from bistand.followup.export import csv_bytes
from bistand.followup.measures.base import Table


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_text_cells_that_would_start_a_formula_are_quoted_numbers_are_not():
    names = ['=HYPERLINK("http://x";"klicka")', "+46", "-SUM(A1)", "@cmd", "\tTab", "\rCR", "Norr"]
    table = Table(
        id="t",
        caption="Test",
        columns=[("unit", "Enhet"), ("n", "Antal"), ("change", "Förändring")],
        rows=[{"unit": name, "n": -3, "change": -1.25} for name in names],
        kinds={"change": "decimal"},
    )
    body = rows(csv_bytes(table))[1:]
    assert [r[0] for r in body] == [
        '\'=HYPERLINK("http://x";"klicka")',
        "'+46",
        "'-SUM(A1)",
        "'@cmd",
        "'\tTab",
        "'\rCR",
        "Norr",
    ]
    assert {(r[1], r[2]) for r in body} == {("-3", "-1,2")}


def test_the_key_figures_csv_quotes_a_formula_in_a_label():
    figures = {
        "municipality": {"code": "0180"},
        "year": 2025,
        "figures": [
            {
                "id": "x",
                "label": "=1+1",
                "description": "-beskrivning",
                "kind": "int",
                "value": -2,
                "numerator": None,
                "denominator": 4,
                "complete": True,
            }
        ],
    }
    (row,) = rows(keyfigures.as_csv(figures))[1:]
    assert row[3] == "'=1+1" and row[4] == "-2"
