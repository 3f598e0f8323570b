"""The Swedish explanation and the archived trace document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bistand.rules import TRACE_VERSION, calculate_json, explain

EXAMPLE = yaml.safe_load((Path(__file__).parent / "examples/02_issue_example.yaml").read_text())[
    "input"
]


def test_trace_is_versioned_and_self_contained():
    trace = calculate_json(EXAMPLE).trace()
    assert trace["schema"] == "bistand.rules.trace" and trace["version"] == TRACE_VERSION
    assert trace["input"]["members"][0]["id"] == "a"
    ids = {p["id"] for p in trace["parameters"]}
    assert {
        "riksnorm.children",
        "riksnorm.adults",
        "riksnorm.common_household_costs",
        "local.exempelkommun",
    } <= ids
    for parameter in trace["parameters"]:
        assert parameter["reference"] and parameter["source"] and parameter["status"]
    capped = next(
        line for line in trace["lines"] if line["rule"] == "reasonable_cost" and "detail" in line
    )
    assert capped["detail"] == {"claimed": "8500.00", "cap": "8000.00", "not_accepted": "500.00"}
    assert capped["parameter"]["id"] == "local.exempelkommun"
    assert json.loads(json.dumps(trace)) == trace


def test_explanation_in_swedish_names_amounts_rules_and_sources():
    text = explain(calculate_json(EXAMPLE).trace()).replace("\u00a0", " ")
    assert "Beräkning av försörjningsstöd för april 2025" in text
    assert "Personliga kostnader, sambor/makar tillsammans" in text
    assert "7 050 kr" in text
    assert "Socialtjänstförordningen (2001:937) i lydelse enligt SFS 2024:1016" in text
    assert "12 kap. 3 § andra stycket" in text  # the shared-household rule
    assert "Jobbstimulans" in text and "-2 000 kr" in text
    assert "Försörjningsstöd för månaden: 4 533 kr" in text
    assert "Boendekostnad 8 500 kr är mer än kommunens riktlinje 8 000 kr" in text


def test_explanation_marks_provisional_amounts():
    data = {
        "month": "2023-02",
        "members": [
            {"id": "a", "role": "applicant", "born": "1990-01-01"},
            {"id": "c", "role": "child", "born": "2020-06-06"},
        ],
    }
    text = explain(calculate_json(data).trace())
    assert "preliminärt belopp" in text
    assert "kontrollerade mot författningstexten" in text


def test_an_archived_trace_renders_without_the_parameters():
    trace = json.loads(json.dumps(calculate_json(EXAMPLE).trace()))
    # Even if the parameter files change later, the archived trace carries what it needs.
    for parameter in trace["parameters"]:
        parameter["file"] = "removed.yaml"
    assert "4 533" in explain(trace).replace("\u00a0", " ")


def test_unknown_trace_version_is_refused():
    trace = calculate_json(EXAMPLE).trace()
    trace["version"] = 99
    with pytest.raises(ValueError, match="version 99"):
        explain(trace)
