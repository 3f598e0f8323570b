"""The 2027 reform as data: a test-only 2027 parameter set (tests/fixtures/reform_2027, invented
figures) overlaid on the shipped tables. The arithmetic is written out as a caseworker would
check it. Reference value 10 000 kr; derived rows rounded to tens (ROUND_HALF_UP, per row)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from bistand.rules import calculate_json
from bistand.rules.errors import InputError, MissingParameterError, ParameterFileError
from bistand.rules.parameters import ParameterStore, default_store
from bistand.rules.period import Month

FIXTURES = Path(__file__).parent / "fixtures" / "reform_2027"
ALL = sorted(FIXTURES.glob("*.yaml"))


@pytest.fixture(scope="module")
def store() -> ParameterStore:
    return default_store().overlay(ALL)


def without(name: str) -> list[Path]:
    return [p for p in ALL if p.name != name]


def household(month, members, costs=(), incomes=()):
    return {"month": month, "members": members, "costs": list(costs), "incomes": list(incomes)}


SINGLE = [{"id": "a", "role": "applicant", "born": "1985-02-01"}]
COUPLE = [*SINGLE, {"id": "b", "role": "partner", "born": "1987-03-03"}]
# Ages on 1 August 2027 (and on 1 October): 12, 9, 5, 3, 1.
FIVE_CHILDREN = [
    {"id": "c1", "role": "child", "born": "2015-05-01"},  # 11–14 år: 4 430
    {"id": "c2", "role": "child", "born": "2018-03-01"},  # 7–10 år: 3 850
    {"id": "c3", "role": "child", "born": "2022-02-01"},  # 4–6 år: 3 100
    {"id": "c4", "role": "child", "born": "2024-06-01"},  # 3 år: 2 750
    {"id": "c5", "role": "child", "born": "2026-03-01"},  # 1–2 år: 3 100
]


def test_the_shipped_tree_has_no_2027_values():
    with pytest.raises(MissingParameterError, match="2027-01"):
        default_store().resolve(Month(2027, 1))
    for table in ("riksnorm.reference_value", "riksnorm.ceiling", "riksnorm.large_household_limit"):
        assert default_store().table(table).versions == ()


def test_riksnorm_rows_are_derived_from_the_reference_value(store):
    params = store.resolve(Month(2027, 3))
    assert params.adult_single.amount == 4000  # 0,40 × 10 000
    assert params.adult_couple.amount == 7200  # (0,50 + 0,22) × 10 000
    assert params.children_by_age[3].without_lunch.amount == 2550  # 0,255 × 10 000
    assert params.common_costs[7].amount == 2850
    cited = params.adult_couple.cite()
    assert cited["derived"]["reference_value"] == "10000"
    assert cited["derived"]["items"] == {"livsmedel": "0.5", "ovriga": "0.22"}
    assert not params.has_provisional


def test_derived_amounts_are_rounded_by_the_reference_value_rule(tmp_path, store):
    odd = tmp_path / "reference_value.yaml"
    odd.write_text(
        (FIXTURES / "reference_value.yaml").read_text().replace("10000", "10013"), "utf-8"
    )
    params = store.overlay([odd]).resolve(Month(2027, 3))
    assert params.adult_single.amount == 4010  # 0,40 × 10 013 = 4 005,20 → 4 010
    assert params.children_by_age[12].full.amount == 4440  # 0,443 × 10 013 = 4 435,76 → 4 440


def test_a_provisional_reference_value_makes_every_derived_row_provisional(tmp_path, store):
    provisional = tmp_path / "reference_value.yaml"
    provisional.write_text(
        (FIXTURES / "reference_value.yaml")
        .read_text()
        .replace("status: official", "status: provisional"),
        "utf-8",
    )
    result = calculate_json(household("2027-03", SINGLE), store.overlay([provisional]))
    assert result.provisional
    assert result.flags[0].code == "PROVISIONAL_PARAMETER"


def test_single_adult_rent_is_outside_the_ceiling(store):
    # riksnorm 4 000 + 1 300 = 5 300; rent 6 000; ceiling 1 × 5 300 + rent 6 000 = 11 300
    result = calculate_json(
        household("2027-03", SINGLE, [{"type": "rent", "amount": "6000"}]), store
    )
    assert result.amount == 11300
    assert "bidragstak" not in {line.rule.rule_id for line in result.lines}


def test_costs_inside_the_ceiling_are_capped_by_it(store):
    # need 5 300 + rent 6 000 + work travel 900 = 12 200; ceiling 5 300 + 6 000 = 11 300
    result = calculate_json(
        household(
            "2027-03",
            SINGLE,
            [{"type": "rent", "amount": "6000"}, {"type": "work_travel", "amount": "900"}],
        ),
        store,
    )
    assert result.amount == 11300
    (line,) = [line for line in result.lines if line.rule.rule_id == "bidragstak"]
    assert line.amount == -900
    assert line.detail["ceiling"] == 11300
    assert line.to_json()["reference"] == "TEST – påhittad lag, bidragstak"


def test_the_ceiling_on_the_amount_after_income(tmp_path, store):
    ceiling = tmp_path / "ceiling.yaml"
    ceiling.write_text(
        (FIXTURES / "ceiling.yaml")
        .read_text()
        .replace("limits: need", "limits: amount")
        .replace("norm_factor: 1", "norm_factor: 0.5"),
        "utf-8",
    )
    # need 5 300 + 6 000 = 11 300, income 2 000 → 9 300; ceiling 0,5 × 5 300 + 6 000 = 8 650
    data = household(
        "2027-03",
        SINGLE,
        [{"type": "rent", "amount": "6000"}],
        [{"type": "salary", "member": "a", "amount": "2000"}],
    )
    assert calculate_json(data, store.overlay([ceiling])).amount == 8650


def test_no_large_household_limit_before_its_phase_in(store):
    # In March the 4th child is 2 years (1–2 år: 3 100), not yet 3:
    # 7 200 + 4 430 + 3 850 + 3 100 + 3 100 + 3 100 + common (7 persons) 2 850 = 27 630
    result = calculate_json(household("2027-03", COUPLE + FIVE_CHILDREN), store)
    assert result.amount == 27630


def test_half_the_limit_from_july_for_the_fourth_child_on(store):
    # 4th child (3 år) 2 750 and 5th (1 år) 3 100, each × 0,75 × 0,5 = 0,375:
    # 1 031,25 + 1 162,50 = 2 193,75; 27 280 − 2 193,75 = 25 086,25 → 25 086
    result = calculate_json(household("2027-08", COUPLE + FIVE_CHILDREN), store)
    limited = [line for line in result.lines if line.rule.rule_id == "large_household_limit"]
    assert [(line.member, line.amount) for line in limited] == [
        ("c4", Decimal("-1031.25")),
        ("c5", Decimal("-1162.50")),
    ]
    assert result.amount == 25086


def test_the_full_limit_from_october(store):
    # 0,75 × (2 750 + 3 100) = 4 387,50; 27 280 − 4 387,50 = 22 892,50 → 22 893
    assert calculate_json(household("2027-10", COUPLE + FIVE_CHILDREN), store).amount == 22893


def test_a_single_parent_gets_the_single_reduction(store):
    # 4 000 + 4 430 + 3 850 + 3 100 + 2 750 + common (5 persons) 2 350 = 20 480;
    # 4th child 2 750 × 0,40 = 1 100 → 19 380
    members = SINGLE + FIVE_CHILDREN[:4]
    assert calculate_json(household("2027-10", members), store).amount == 19380


def test_youngest_first_is_a_parameter(tmp_path, store):
    limit = tmp_path / "large_household_limit.yaml"
    limit.write_text(
        (FIXTURES / "large_household_limit.yaml")
        .read_text()
        .replace("oldest_first", "youngest_first"),
        "utf-8",
    )
    # counted youngest first, the 4th and 5th are the 9- and 12-year-olds:
    # 0,75 × (3 850 + 4 430) = 6 210; 27 280 − 6 210 = 21 070
    result = calculate_json(household("2027-10", COUPLE + FIVE_CHILDREN), store.overlay([limit]))
    assert result.amount == 21070


def test_changed_cost_items_are_data(store):
    data = household("2027-03", SINGLE, [{"type": "childcare_fee", "amount": "300"}])
    result = calculate_json(data, store)
    # accepted as a cost, and being inside the ceiling taken off again by it: 5 300
    assert [(line.label, line.amount) for line in result.lines if line.section == "costs"] == [
        ("Avgift för barnomsorg", 300),
        ("Begränsning till bidragstaket 5\u00a0300\u00a0kr", -300),
    ]
    assert result.amount == 5300
    with pytest.raises(InputError, match="home_insurance"):
        calculate_json(
            household("2027-03", SINGLE, [{"type": "home_insurance", "amount": "100"}]), store
        )
    # 2026 keeps its own catalogue
    data = household("2026-03", SINGLE, [{"type": "home_insurance", "amount": "100"}])
    assert calculate_json(data, store).costs == 100


def test_2026_is_not_touched_by_the_2027_tables(store):
    data = household("2026-05", SINGLE, [{"type": "rent", "amount": "5000"}])
    assert calculate_json(data, store).amount == calculate_json(data).amount


@pytest.mark.parametrize(
    "missing", ["ceiling.yaml", "large_household_limit.yaml", "reference_value.yaml"]
)
def test_a_2027_month_without_a_reform_table_is_an_error_naming_it(missing):
    store = default_store().overlay(without(missing))
    with pytest.raises(MissingParameterError) as failed:
        store.resolve(Month(2027, 3))
    assert "riksnorm." + missing.removesuffix(".yaml") in str(failed.value)


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        ("adults.yaml", "{share: 0.40}", "{share: fyra}", "values.single.share"),
        ("adults.yaml", "{share: 0.40}", "{share: 0.4, amount: 4000}", "values.single"),
        ("adults.yaml", "{share: 0.40}", "{note: x}", "values.single: amount, share"),
        ("ceiling.yaml", "limits: need", "limits: all", "values.limits"),
        ("ceiling.yaml", "[rent, electricity]", "rent", "values.costs_outside_ceiling"),
        ("reference_value.yaml", "mode: ROUND_HALF_UP", "mode: HALF", "derived_rounding.mode"),
        ("reference_value.yaml", "amount: 10000", "amount: 0", "values.amount"),
        ("large_household_limit.yaml", "couple: 0.75", "couple: 75", "reduction.couple"),
        ("large_household_limit.yaml", "from_child: 4", "from_child: 0", "values.from_child"),
        ("large_household_limit.yaml", "from: 2027-10-01", "from: 2027-02-01", "phase_in[2]"),
    ],
)
def test_a_malformed_file_names_the_file_and_the_field(tmp_path, file, old, new, field):
    bad = tmp_path / file
    text = (FIXTURES / file).read_text()
    assert old in text
    bad.write_text(text.replace(old, new), "utf-8")
    with pytest.raises(ParameterFileError) as failed:
        default_store().overlay([bad])
    assert file in str(failed.value) and field in str(failed.value)


def test_the_2027_files_load_from_the_parameter_folder_too(tmp_path):
    """Entered the way an administrator does: files in the tree, no code change."""
    root = tmp_path / "parameters"
    shutil.copytree(default_store().root, root)
    for name in ("reference_value", "ceiling", "large_household_limit"):
        shutil.copy(FIXTURES / f"{name}.yaml", root / "riksnorm" / f"{name}.yaml")
    store = ParameterStore(root).overlay(
        [FIXTURES / n for n in ("adults.yaml", "children.yaml", "common_household_costs.yaml")]
    )
    assert store.resolve(Month(2027, 10)).large_household.phase_in_share == 1


def test_the_explanation_and_the_trace_show_the_limits(store):
    import json

    from bistand.rules import explain

    result = calculate_json(household("2027-10", COUPLE + FIVE_CHILDREN), store)
    trace = json.loads(json.dumps(result.trace()))
    text = explain(trace)
    assert "Begränsning för stora hushåll, barn nummer 4" in text
    assert "TEST – påhittad förordning, stora hushåll" in text
    ids = {p["id"] for p in trace["parameters"]}
    assert {"riksnorm.reference_value", "riksnorm.ceiling", "riksnorm.large_household_limit"} <= ids
