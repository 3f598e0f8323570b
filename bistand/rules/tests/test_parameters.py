"""The parameter files: dated, sourced, with a status; and how a month finds its version."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from bistand.rules.errors import ParameterFileError
from bistand.rules.parameters import PACKAGE_PARAMETERS, ParameterStore, default_store
from bistand.rules.period import Month

FILES = sorted(PACKAGE_PARAMETERS.rglob("*.yaml"))


@pytest.mark.parametrize(
    "path", FILES, ids=[p.relative_to(PACKAGE_PARAMETERS).as_posix() for p in FILES]
)
def test_every_version_is_dated_sourced_and_has_a_status(path: Path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["id"] and doc["versions"]
    for version in doc["versions"]:
        assert isinstance(version["valid_from"], date)
        assert version["status"] in ("official", "provisional")
        assert version["reference"].strip() and version["source"].strip()


@pytest.mark.parametrize(
    "table", ["riksnorm.children", "riksnorm.adults", "riksnorm.common_household_costs"]
)
def test_riksnorm_versions_end_with_their_year(table):
    for version in default_store().table(table).versions:
        assert version.valid_until is not None
        assert version.valid_until.year == version.valid_from.year


def test_riksnorm_years_shipped():
    children = default_store().table("riksnorm.children")
    years = {v.valid_from.year for v in children.versions}
    assert {2023, 2025, 2026} <= years


def test_2025_and_2026_are_official_by_the_statute():
    store = default_store()
    p2025 = store.resolve(Month(2025, 9))
    assert not p2025.has_provisional
    p2026 = store.resolve(Month(2026, 2))
    assert not p2026.has_provisional
    assert p2026.adult_single.amount + p2026.common_costs[1].amount == 5220
    assert p2026.adult_couple.amount + p2026.common_costs[2].amount == 8510
    sfs = "Socialtjänstförordningen (2025:468) 12 kap. 2 § i lydelse enligt SFS 2025:1046"
    values = [p2026.adult_single, p2026.adult_couple, *p2026.common_costs.values()]
    for band in p2026.children_by_age:
        values += [band.full] + ([band.without_lunch] if band.without_lunch else [])
    assert all(v.status == "official" and v.reference == sfs for v in values)


def test_2026_riksnorm_is_the_table_in_sfs_2025_1046():
    p2026 = default_store().resolve(Month(2026, 1))
    children = {
        (band.lowest_age, band.highest_age): (
            band.full.amount,
            band.without_lunch.amount if band.without_lunch else None,
        )
        for band in p2026.children_by_age
    }
    assert children == {
        (0, 0): (2740, 2560),
        (1, 2): (3060, 2800),
        (3, 3): (2720, 2500),
        (4, 6): (3060, 2720),
        (7, 10): (3820, None),
        (11, 14): (4390, None),
        (15, 18): (4960, None),
        (19, 20): (5000, None),
    }
    assert (p2026.adult_single.amount, p2026.adult_couple.amount) == (3940, 7100)
    assert [p2026.common_costs[n].amount for n in range(1, 8)] == [
        1280,
        1410,
        1790,
        2030,
        2330,
        2640,
        2830,
    ]


def test_2026_states_each_person_above_seven_as_data_and_it_agrees_with_the_rule():
    """SoF 12 kap. 3 § första stycket: each person above seven adds the 7 − 6 difference."""
    from bistand.rules.norm import common_costs_for_size, stated_step

    p2026 = default_store().resolve(Month(2026, 4))
    step = stated_step(p2026)
    assert step is not None and step.amount == 190 and step.status == "official"
    assert step.amount == p2026.common_costs[7].amount - p2026.common_costs[6].amount
    assert common_costs_for_size(8, p2026)[0] == 2830 + 190
    assert common_costs_for_size(10, p2026)[0] == 2830 + 3 * 190
    # 2025's table does not state it: the rule's difference applies (2 810 − 2 620 = 190)
    p2025 = default_store().resolve(Month(2025, 4))
    assert stated_step(p2025) is None
    assert common_costs_for_size(9, p2025)[0] == 2810 + 2 * 190


def test_2025_first_half_cites_the_old_forordning_and_second_half_the_new():
    store = default_store()
    assert "2001:937" in store.resolve(Month(2025, 6)).adult_single.reference
    assert "2025:468" in store.resolve(Month(2025, 7)).adult_single.reference


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "parameters"
    shutil.copytree(PACKAGE_PARAMETERS, root)
    return root


def test_overlapping_versions_are_refused(tmp_path):
    root = _copy(tmp_path)
    path = root / "riksnorm/adults.yaml"
    path.write_text(path.read_text().replace("valid_until: 2023-12-31", "valid_until: 2025-03-31"))
    with pytest.raises(ParameterFileError, match="överlappar"):
        ParameterStore(root)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("status: official", "status: maybe", "status"),
        (
            "reference: Socialtjänstförordningen (2025:468) 12 kap. 2 §\n",
            "reference: ''\n",
            "reference saknas",
        ),
        ("single: {amount: 3910}", "single: {amount: lots}", "inget tal"),
    ],
)
def test_malformed_files_are_refused_with_the_file_named(tmp_path, old, new, message):
    root = _copy(tmp_path)
    path = root / "riksnorm/adults.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ParameterFileError, match=message) as err:
        ParameterStore(root).resolve(Month(2025, 4))
    assert "adults.yaml" in str(err.value)


def test_a_municipality_can_add_its_guidelines_from_its_own_folder(tmp_path):
    local = tmp_path / "kommun"
    local.mkdir()
    text = (PACKAGE_PARAMETERS / "local/exempelkommun.yaml").read_text()
    (local / "nykommun.yaml").write_text(text.replace("local.exempelkommun", "local.nykommun"))
    store = ParameterStore(local_dirs=(local,))
    assert "nykommun" in store.guideline_names()
    assert store.resolve(Month(2025, 4), "nykommun").guidelines is not None


def test_local_guidelines_before_their_first_date_are_an_error():
    from bistand.rules.errors import MissingParameterError

    with pytest.raises(MissingParameterError, match=r"local\.exempelkommun"):
        default_store().guideline_table("exempelkommun").version_for(Month(2022, 6))
