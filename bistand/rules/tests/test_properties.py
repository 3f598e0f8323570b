"""Invariants of the calculation, checked on generated households (hypothesis)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bistand.rules import calculate_json

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
