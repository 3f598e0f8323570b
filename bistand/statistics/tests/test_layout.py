"""The record layout is dated data: the version in force for a month, and a layout that names a
field the delivery does not compute is refused when it is read."""

from __future__ import annotations

import pytest
import yaml

from bistand.rules.errors import MissingParameterError, ParameterFileError
from bistand.rules.period import Month
from bistand.statistics import layout


def test_the_layout_for_a_month_is_provisional_with_its_columns_in_order():
    found = layout.layout_for(Month(2026, 10))
    assert found.version.status == "provisional"
    assert found.due_day == 15
    names = [c.name for c in found.files["households"].columns]
    assert names[:7] == ["År", "Manad", "Kommun", "Distrikt", "Barn15", "Sbel", "Personnr1"]
    assert all(c.confirmed for c in found.files["households"].columns[:7])
    assert not any(c.confirmed for c in found.files["households"].columns[7:])


def test_no_layout_before_the_first_version():
    with pytest.raises(MissingParameterError):
        layout.layout_for(Month(2016, 12))


def test_a_column_naming_an_unknown_field_is_refused(tmp_path):
    doc = yaml.safe_load(layout.LAYOUT_FILE.read_text(encoding="utf-8"))
    doc["versions"][0]["values"]["files"]["exits"]["columns"].append(
        {"name": "Kön", "field": "sex"}
    )
    path = tmp_path / "layout.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterFileError, match="field ska vara ett av"):
        layout.layout_for(Month(2026, 10), path)
