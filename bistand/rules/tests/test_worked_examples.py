"""Worked examples: each file in examples/ is a household month with the arithmetic in comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bistand.rules import calculate_json, explain

EXAMPLES = sorted((Path(__file__).parent / "examples").glob("*.yaml"))


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_worked_example(path: Path) -> None:
    example = load(path)
    # Dates in YAML arrive as strings because the examples quote them, as JSON input would.
    result = calculate_json(example["input"]).to_json()
    expect = example["expect"]
    for key in ("amount", "norm", "accepted_costs", "counted_incomes", "provisional", "surplus"):
        if key in expect:
            assert result[key] == expect[key], f"{key} in {path.name}"
    if "before_rounding" in expect:
        assert result["trace"]["totals"]["before_rounding"] == expect["before_rounding"]
    assert [flag["code"] for flag in result["flags"]] == expect["flags"]


def test_there_are_worked_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_line_names_its_rule_and_legal_reference(path: Path) -> None:
    trace = calculate_json(load(path)["input"]).trace()
    for line in trace["lines"]:
        assert line["rule"] and line["reference"], line
    # the lines add up to the totals
    for section, total in (
        ("norm", "norm"),
        ("costs", "reasonable_costs"),
        ("income", "counted_income"),
    ):
        from decimal import Decimal

        shown = [Decimal(li["amount"]) for li in trace["lines"] if li["section"] == section]
        # Lines are shown to öre; the total is the exact sum, shown to öre: at most half an
        # öre per line (and half for the total) apart.
        slack = Decimal("0.005") * (len(shown) + 1)
        assert abs(sum(shown, Decimal(0)) - Decimal(trace["totals"][total])) <= slack
    # and the explanation renders every line
    text = explain(json.loads(json.dumps(trace)))
    for line in trace["lines"]:
        assert line["label"] in text
