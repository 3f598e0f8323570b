"""Every flag the robot can raise, from plain data (no database, no network)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from bistand.robot.checks import FLAG_CODES, CheckInput, Person, run_checks

A = "198502019980"
B = "198703039985"
C = "201909019984"

DECLARED = {
    "members": [
        {"personnummer": A, "role": "applicant"},
        {"personnummer": B, "role": "partner"},
        {"personnummer": C, "role": "child"},
    ],
    "costs": [{"type": "rent", "amount": "6000.00"}, {"type": "electricity", "amount": "300.00"}],
    "incomes": [
        {"personnummer": A, "type": "salary", "amount": "8000.00"},
        {"personnummer": B, "type": "unemployment_benefit", "amount": "9000.00"},
    ],
    "assets": [],
    "other_needs": [],
    "changes": "",
}


def registers() -> dict:
    def payment(kind, amount):
        return {"kind": "payment", "income_type": kind, "amount": amount, "paid_on": "2025-04-25"}

    ok = {"status": "ok", "reason": ""}
    registration = {"kind": "registration", "registered": True, "planning_active": True}
    population = {"kind": "population_register", "address_key": "k", "persons": [A, B, C]}
    return {
        A: {
            "AF": {**ok, "records": [registration]},
            "FK": {**ok, "records": []},
            "CSN": {**ok, "records": []},
            "SKV": {**ok, "records": [population, payment("salary", "8000.00")]},
            "AKASSA": {**ok, "records": []},
            "TS": {**ok, "records": []},
            "PM": {**ok, "records": []},
        },
        B: {
            "AF": {**ok, "records": [registration]},
            "FK": {**ok, "records": []},
            "CSN": {**ok, "records": []},
            "SKV": {**ok, "records": [population]},
            "AKASSA": {**ok, "records": [payment("unemployment_benefit", "9000.00")]},
            "TS": {**ok, "records": []},
            "PM": {**ok, "records": []},
        },
    }


def check(declared=None, register=None, previous="same", kind="repeat"):
    declared = declared or copy.deepcopy(DECLARED)
    members = [
        Person(
            m["personnummer"],
            m["role"],
            f"{m['role']} {m['personnummer'][:8]}-****",
            bool(m.get("days")),
        )
        for m in declared["members"]
    ]
    return run_checks(
        CheckInput(
            month="2025-04",
            kind=kind,
            members=members,
            declared=declared,
            previous=copy.deepcopy(DECLARED) if previous == "same" else previous,
            register=register or registers(),
            threshold=Decimal("0.12"),
        )
    )


def codes(flags):
    return [f["code"] for f in flags]


def test_a_clean_application_has_no_flags():
    assert check() == []


def test_first_application_is_not_compared_with_last_month():
    assert check(previous=None, kind="first") == []


def test_register_unknown_is_never_read_as_none():
    register = registers()
    register[A]["AKASSA"] = {"status": "unknown", "records": [], "reason": "svarade inte inom 2 s"}
    flags = check(register=register)
    assert codes(flags) == ["REGISTER_UNKNOWN"]
    assert "Okänt betyder inte" in flags[0]["message"]
    assert flags[0]["evidence"]["source"] == "AKASSA"


def test_income_differs_above_threshold_with_both_figures():
    register = registers()
    register[A]["SKV"]["records"][1]["amount"] = "11200.00"
    (flag,) = check(register=register)
    assert flag["code"] == "INCOME_DIFFERS"
    message = flag["message"].replace("\u00a0", " ")
    assert "Lön enligt ansökan 8 000 kr, enligt Skatteverket 11 200 kr" in message
    assert flag["evidence"]["declared"] == "8000.00" and flag["evidence"]["register"] == "11200.00"


def test_income_within_threshold_is_not_flagged():
    register = registers()
    register[A]["SKV"]["records"][1]["amount"] = "8900.00"  # 11 %
    assert check(register=register) == []


def test_income_not_declared():
    register = registers()
    register[B]["FK"]["records"].append(
        {
            "kind": "payment",
            "income_type": "sickness_benefit",
            "amount": "3200.00",
            "paid_on": "2025-04-20",
        }
    )
    flags = check(register=register)
    assert codes(flags) == ["INCOME_NOT_DECLARED"]
    assert "Försäkringskassan visar sjukpenning 3" in flags[0]["message"]


def test_income_not_in_register():
    register = registers()
    register[B]["AKASSA"]["records"] = []
    assert codes(check(register=register)) == ["INCOME_NOT_IN_REGISTER"]


def test_no_previous_month_for_a_repeat_application():
    assert codes(check(previous=None)) == ["NO_PREVIOUS_MONTH"]


def test_household_change_new_and_dropped_income_new_cost_and_rent_change():
    previous = copy.deepcopy(DECLARED)
    previous["members"] = previous["members"][:2]
    previous["incomes"] = [
        {"personnummer": A, "type": "salary", "amount": "8000.00"},
        {"personnummer": A, "type": "pension", "amount": "1000.00"},
    ]
    previous["costs"] = [{"type": "rent", "amount": "5500.00"}]
    flags = check(previous=previous)
    assert codes(flags) == [
        "HOUSEHOLD_CHANGE",
        "NEW_INCOME",
        "INCOME_DROPPED",
        "NEW_COST",
        "RENT_CHANGED",
    ]
    assert "5 500 kr till 6 000 kr" in flags[-1]["message"].replace("\u00a0", " ")


def test_population_register_mismatch():
    register = registers()
    register[A]["SKV"]["records"][0]["persons"] = [A, B, C, "196001019980"]
    assert codes(check(register=register)) == ["POPULATION_REGISTER_MISMATCH"]


def test_part_time_child_registered_elsewhere_is_not_a_mismatch():
    declared = copy.deepcopy(DECLARED)
    declared["members"][2]["days"] = 15
    register = registers()
    register[A]["SKV"]["records"][0]["persons"] = [A, B]
    previous = copy.deepcopy(declared)
    assert check(declared=declared, register=register, previous=previous) == []


def test_not_registered_and_no_active_planning_at_arbetsformedlingen():
    register = registers()
    register[A]["AF"]["records"] = [
        {"kind": "registration", "registered": False, "planning_active": False}
    ]
    register[B]["AF"]["records"] = [
        {"kind": "registration", "registered": True, "planning_active": False}
    ]
    assert codes(check(register=register)) == ["NOT_REGISTERED_AF", "NO_ACTIVE_PLANNING"]


def test_vehicle_and_declared_assets():
    register = registers()
    register[A]["TS"]["records"] = [
        {
            "kind": "vehicle",
            "registration": "ABC123",
            "make": "Volvo",
            "model_year": 2019,
            "vehicle_type": "personbil",
        }
    ]
    declared = copy.deepcopy(DECLARED)
    declared["assets"] = [{"type": "bank_account", "description": "Sparkonto", "value": "25000.00"}]
    flags = check(declared=declared, register=register)
    assert codes(flags) == ["VEHICLE", "ASSET_DECLARED"]
    assert "personbil" in flags[0]["message"]


def test_other_needs_and_reported_changes():
    declared = copy.deepcopy(DECLARED)
    declared["other_needs"] = [{"description": "Glasögon", "amount": "1500.00"}]
    declared["changes"] = "Min sambo har fått jobb från maj."
    assert codes(check(declared=declared)) == ["OTHER_NEEDS", "CHANGES_REPORTED"]


@pytest.mark.parametrize("code", sorted(FLAG_CODES))
def test_every_flag_code_is_documented(code):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "architecture.md").read_text(
        encoding="utf-8"
    )
    assert code in text
