"""Invariants of the calculation, checked on generated households (hypothesis)."""

from __future__ import annotations

import copy
import functools
import json
import re
import shutil
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bistand.rules import ParameterStore, calculate_json
from bistand.rules.parameters import PACKAGE_PARAMETERS

MONTHS = st.sampled_from(["2025-01", "2025-04", "2025-07", "2025-12", "2026-03"])
COSTS = [
    "rent",
    "electricity",
    "home_insurance",
    "work_travel",
    "union_fee",
    "unemployment_fund_fee",
]
INCOMES = [
    "salary",
    "unemployment_benefit",
    "sickness_benefit",
    "activity_support",
    "parental_benefit",
    "housing_allowance",
    "maintenance_support",
    "child_allowance",
    "study_grant",
    "pension",
    "other_taxable",
    "other",
    "disability_allowance",
]
amounts = st.integers(min_value=0, max_value=30_000_00).map(lambda ore: f"{Decimal(ore) / 100:.2f}")


@st.composite
def children(draw, month: str):
    year = int(month[:4])
    age = draw(st.integers(min_value=0, max_value=19))
    child = {"role": "child", "born": f"{year - age - 1}-{draw(st.integers(1, 12)):02d}-15"}
    if age <= 6 and draw(st.booleans()):
        child["lunch_away"] = True
    if draw(st.integers(0, 4)) == 0:
        child["days"] = draw(st.integers(1, 30))
    return child


@st.composite
def households(draw):
    month = draw(MONTHS)
    year = int(month[:4])
    members = [
        {
            "role": "applicant",
            "born": f"{year - draw(st.integers(19, 80))}-03-03",
            "jobbstimulans": draw(st.booleans()),
        }
    ]
    if draw(st.booleans()):
        members.append({"role": "partner", "born": f"{year - draw(st.integers(19, 80))}-05-05"})
    members += draw(st.lists(children(month), max_size=9))
    if draw(st.integers(0, 5)) == 0:
        members.append({"role": "other", "born": "1950-01-01"})
    for i, member in enumerate(members):
        member["id"] = f"m{i}"
    adults = [m["id"] for m in members if m["role"] in ("applicant", "partner")]
    data = {
        "month": month,
        "members": members,
        "costs": draw(
            st.lists(
                st.builds(lambda t, a: {"type": t, "amount": a}, st.sampled_from(COSTS), amounts),
                max_size=6,
            )
        ),
        "incomes": draw(
            st.lists(
                st.builds(
                    lambda t, m, a: {"type": t, "member": m, "amount": a},
                    st.sampled_from(INCOMES),
                    st.sampled_from(adults),
                    amounts,
                ),
                max_size=5,
            )
        ),
    }
    if draw(st.booleans()):
        data["guidelines"] = "exempelkommun"
    return data


@settings(max_examples=300, deadline=None)
@given(households())
def test_amount_is_never_negative_and_is_rounded(data):
    result = calculate_json(data)
    assert result.amount >= 0
    assert result.amount == result.amount.to_integral_value()


@settings(max_examples=300, deadline=None)
@given(households(), amounts, st.sampled_from(INCOMES))
def test_more_income_never_raises_the_amount(data, extra, income_type):
    richer = copy.deepcopy(data)
    richer["incomes"].append(
        {"type": income_type, "member": data["members"][0]["id"], "amount": extra}
    )
    assert calculate_json(richer).amount <= calculate_json(data).amount


@settings(max_examples=300, deadline=None)
@given(households(), st.data())
def test_adding_a_member_of_the_case_never_lowers_the_norm(data, draw):
    bigger = copy.deepcopy(data)
    new = draw.draw(children(data["month"]))
    new["id"] = "new"
    bigger["members"].append(new)
    assert calculate_json(bigger).norm >= calculate_json(data).norm


@settings(max_examples=100, deadline=None)
@given(households())
def test_adding_a_partner_never_lowers_the_norm(data):
    if any(m["role"] == "partner" for m in data["members"]):
        return
    bigger = copy.deepcopy(data)
    bigger["members"].append({"id": "p", "role": "partner", "born": "1980-01-01"})
    assert calculate_json(bigger).norm >= calculate_json(data).norm


@settings(max_examples=200, deadline=None)
@given(households())
def test_same_input_gives_the_same_trace_and_the_trace_recalculates(data):
    first = json.dumps(calculate_json(data).trace(), sort_keys=True)
    second = json.dumps(calculate_json(copy.deepcopy(data)).trace(), sort_keys=True)
    assert first == second
    # The archived input recalculates to the same trace.
    archived = json.loads(first)
    assert json.dumps(calculate_json(archived["input"]).trace(), sort_keys=True) == first


def test_someone_outside_the_case_lowers_the_case_share_by_law():
    """SoF 12 kap. 3 § 2 st.: sharing a household means sharing the common costs."""
    alone = {
        "month": "2025-04",
        "members": [{"id": "a", "role": "applicant", "born": "1990-01-01"}],
    }
    shared = copy.deepcopy(alone)
    shared["members"].append({"id": "x", "role": "other", "born": "1950-01-01"})
    assert calculate_json(shared).norm == Decimal(3910 + 1400 / 2) < calculate_json(alone).norm


# --------------------------------------------------------------------------- issue 10


@st.composite
def households_with_any_income(draw):
    """Households whose incomes may belong to anyone: adults, children (work income with
    some of the prisbasbelopp already used) and people outside the case."""
    data = draw(households())
    for member in data["members"]:
        if member["role"] == "child" and draw(st.booleans()):
            member["earlier_work_income_this_year"] = str(draw(st.integers(0, 70_000)))
    ids = [m["id"] for m in data["members"]]
    data["incomes"] += draw(
        st.lists(
            st.builds(
                lambda t, m, a: {"type": t, "member": m, "amount": a},
                st.sampled_from(["salary", *INCOMES]),
                st.sampled_from(ids),
                amounts,
            ),
            max_size=4,
        )
    )
    return data


@settings(max_examples=300, deadline=None)
@given(households_with_any_income(), st.data())
def test_splitting_an_income_into_two_items_never_changes_the_amount(data, draw):
    if not data["incomes"]:
        return
    i = draw.draw(st.integers(0, len(data["incomes"]) - 1))
    item = data["incomes"][i]
    ore = int(Decimal(item["amount"]) * 100)
    first = draw.draw(st.integers(0, ore))
    split = copy.deepcopy(data)
    split["incomes"][i] = {**item, "amount": f"{Decimal(first) / 100:.2f}"}
    split["incomes"].insert(
        draw.draw(st.integers(0, len(split["incomes"]))),
        {**item, "amount": f"{Decimal(ore - first) / 100:.2f}"},
    )
    whole, parts = calculate_json(data), calculate_json(split)
    assert parts.income == whole.income
    assert parts.amount == whole.amount


@settings(max_examples=300, deadline=None)
@given(households())
def test_days_equal_to_the_divisor_equals_no_days(data):
    """A whole month is a whole month, also when someone outside the case shares the home."""
    children = [m for m in data["members"] if m["role"] == "child"]
    if not children:
        return
    whole = copy.deepcopy(data)
    for member in whole["members"]:
        if member["role"] == "child":
            member.pop("days", None)
    divisor = copy.deepcopy(whole)
    for member in divisor["members"]:
        if member["role"] == "child":
            member["days"] = 30  # national.part_time_children: days_divisor
    a, b = calculate_json(whole), calculate_json(divisor)
    assert (a.norm, a.amount) == (b.norm, b.amount)


@functools.cache
def store_rounding_to(quantum: str, mode: str) -> ParameterStore:
    root = Path(tempfile.mkdtemp(prefix="bistand-rounding-")) / "parameters"
    shutil.copytree(PACKAGE_PARAMETERS, root)
    path = root / "national" / "rounding.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["versions"][-1]["values"] = {"quantum": quantum, "mode": mode}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return ParameterStore(root)


@settings(max_examples=300, deadline=None)
@given(
    households_with_any_income(),
    st.sampled_from(["1", "10", "0.50", "0.01"]),
    st.sampled_from(["ROUND_HALF_UP", "ROUND_DOWN", "ROUND_UP"]),
)
def test_results_are_exact_multiples_of_the_rounding_quantum(data, quantum, mode):
    result = calculate_json(data, store_rounding_to(quantum, mode))
    steps = result.amount / Decimal(quantum)
    assert steps == steps.to_integral_value()
    assert abs(Fraction(result.amount) - Fraction(result.before_rounding)) <= Fraction(quantum)


@settings(max_examples=300, deadline=None)
@given(households_with_any_income())
def test_no_trace_amount_shows_more_than_ore(data):
    trace = calculate_json(data).trace()
    shown = [line["amount"] for line in trace["lines"]] + list(trace["totals"].values())
    for amount in shown:
        assert re.fullmatch(r"-?\d+\.\d\d", amount), amount


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 70_000),
    st.integers(0, 30_000_00),
    st.integers(0, 30_000_00),
    st.sampled_from(["2025-12", "2026-06"]),
)
def test_splitting_a_childs_work_income_never_changes_the_amount(earlier, first, second, month):
    """The prisbasbelopp exemption is the child's, not each salary's."""

    def data(*ore):
        return {
            "month": month,
            "members": [
                {"id": "a", "role": "applicant", "born": "1980-01-01"},
                {
                    "id": "c",
                    "role": "child",
                    "born": "2008-02-02",
                    "earlier_work_income_this_year": str(earlier),
                },
            ],
            "incomes": [
                {"type": "salary", "member": "c", "amount": f"{Decimal(o) / 100:.2f}"} for o in ore
            ],
        }

    whole, parts = calculate_json(data(first + second)), calculate_json(data(first, second))
    assert (parts.income, parts.amount) == (whole.income, whole.amount)
