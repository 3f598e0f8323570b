"""Bad input is refused with a message naming the field and the problem."""

from __future__ import annotations

import copy

import pytest

from bistand.rules import InputError, MissingParameterError, calculate_json

GOOD = {
    "month": "2025-04",
    "members": [
        {"id": "a", "role": "applicant", "born": "1985-02-01"},
        {"id": "c", "role": "child", "born": "2019-09-01"},
    ],
    "costs": [{"type": "rent", "amount": "5000"}],
    "incomes": [{"type": "salary", "member": "a", "amount": "1000"}],
}


def broken(path: str, value, *, delete: bool = False) -> dict:
    data = copy.deepcopy(GOOD)
    target = data
    keys = [
        int(k) if k.isdigit() else k for k in path.replace("]", "").replace("[", ".").split(".")
    ]
    for key in keys[:-1]:
        target = target[key]
    if delete:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return data


CASES = [
    ("month missing", broken("month", None, delete=True), "month", "saknas"),
    ("month impossible", broken("month", "2025-13"), "month", "ingen möjlig månad"),
    ("month malformed", broken("month", "april"), "month", "ÅÅÅÅ-MM"),
    ("no members", broken("members", []), "members", "minst en sökande"),
    ("no applicant", broken("members.0.role", "partner"), "members", "ingen sökande"),
    ("two applicants", broken("members.1.role", "applicant"), "members", "bara en person"),
    ("unknown role", broken("members.1.role", "cousin"), "members[1].role", "okänd roll"),
    ("bad birth date", broken("members.1.born", "2019-02-30"), "members[1].born", "ÅÅÅÅ-MM-DD"),
    (
        "born after the month",
        broken("members.1.born", "2025-05-01"),
        "members[1].born",
        "efter månaden",
    ),
    ("duplicate id", broken("members.1.id", "a"), "members[1].id", "finns redan"),
    ("unknown cost type", broken("costs.0.type", "car"), "costs[0].type", "okänd kostnadstyp"),
    ("negative cost", broken("costs.0.amount", "-5"), "costs[0].amount", "negativt"),
    ("non-numeric cost", broken("costs.0.amount", "many"), "costs[0].amount", "inte ett belopp"),
    (
        "unknown income type",
        broken("incomes.0.type", "lottery"),
        "incomes[0].type",
        "okänd inkomsttyp",
    ),
    ("negative income", broken("incomes.0.amount", -100), "incomes[0].amount", "negativt"),
    (
        "income of unknown member",
        broken("incomes.0.member", "z"),
        "incomes[0].member",
        "finns inte",
    ),
    ("unknown field", broken("colour", "blue"), "colour", "okänt fält"),
    ("days out of range", broken("members.1.days", 40), "members[1].days", "1–31"),
    ("days for an adult", broken("members.0.days", 10), "members[0].days", "bara för barn"),
    (
        "jobbstimulans on a child",
        broken("members.1.jobbstimulans", True),
        "members[1].jobbstimulans",
        "aldrig",
    ),
    ("unknown guidelines", broken("guidelines", "atlantis"), "guidelines", "okända riktlinjer"),
    ("too many decimals", broken("costs.0.amount", "10.005"), "costs[0].amount", "två decimaler"),
]


@pytest.mark.parametrize(("name", "data", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_field_and_problem(name, data, field, words):
    with pytest.raises(InputError) as err:
        calculate_json(data)
    assert err.value.field == field
    assert words in err.value.message


def test_not_an_object():
    with pytest.raises(InputError, match="JSON-objekt"):
        calculate_json([1, 2, 3])


@pytest.mark.parametrize("month", ["2024-05", "2022-12", "2027-01"])
def test_month_without_riksnorm_is_an_error_not_the_nearest_year(month):
    with pytest.raises(MissingParameterError, match=month):
        calculate_json(broken("month", month))


def test_lunch_away_without_amount_in_the_table_is_a_missing_parameter_not_bad_input():
    data = broken("month", "2023-06")
    data["members"][1]["lunch_away"] = True
    with pytest.raises(MissingParameterError, match="utan lunch") as caught:
        calculate_json(data)
    assert not isinstance(caught.value, InputError)
    assert "riksnorm.children" in str(caught.value)


def test_missing_price_base_amount_is_a_missing_parameter(tmp_path):
    import shutil

    import yaml

    from bistand.rules.parameters import PACKAGE_PARAMETERS, ParameterStore

    root = tmp_path / "parameters"
    shutil.copytree(PACKAGE_PARAMETERS, root)
    path = root / "national" / "price_base_amount.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["versions"] = [v for v in doc["versions"] if v["valid_from"].year != 2025]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    data = copy.deepcopy(GOOD)
    data["members"][1]["born"] = "2008-01-01"
    data["incomes"].append({"type": "salary", "member": "c", "amount": "500"})
    with pytest.raises(MissingParameterError, match=r"national\.price_base_amount") as caught:
        calculate_json(data, ParameterStore(root))
    assert not isinstance(caught.value, InputError)
