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


# --------------------------------------------------------------------------- the 2027 reform


def check_month(month, declared=None, register=None):
    declared = declared or copy.deepcopy(DECLARED)
    members = [
        Person(m["personnummer"], m["role"], f"{m['role']} {m['personnummer'][:8]}-****")
        for m in declared["members"]
    ]
    return run_checks(
        CheckInput(
            month=month,
            kind="repeat",
            members=members,
            declared=declared,
            previous=copy.deepcopy(declared),
            register=register or registers_with_miv(),
            threshold=Decimal("0.12"),
        )
    )


def residence(basis, *permits):
    return {
        "status": "ok",
        "reason": "",
        "records": [{"kind": "residence", "basis": basis, "permits": list(permits)}],
    }


def permit(valid_from, valid_until, permit_type="residence"):
    return {
        "permit_type": permit_type,
        "decision_code": "BV",
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


def registers_with_miv(miv_a=None, miv_b=None):
    register = registers()
    register[A]["MIV"] = miv_a or residence("swedish_citizen")
    register[B]["MIV"] = miv_b or residence("eu_right_of_residence")
    return register


def sublet(consent=None, attachment=False):
    declared = copy.deepcopy(DECLARED)
    declared["housing"] = {"type": "sublet", "rooms": 2}
    if consent is not None:
        declared["housing"]["sublet_consent"] = consent
    if attachment:
        declared["housing"]["sublet_consent_attachment"] = True
    return declared


@pytest.mark.parametrize(
    ("consent", "attachment", "why"),
    [
        ("no", False, "sökande svarade att hyresvärden eller styrelsen inte har godkänt"),
        ("dont_know", True, "sökande vet inte om hyresvärden"),
        ("yes", False, "samtycket finns inte som bilaga"),
        (None, False, "frågan om samtycke är inte besvarad"),
    ],
)
def test_sublet_rent_without_recorded_consent_is_flagged_from_2027(consent, attachment, why):
    flags = check_month("2027-01", declared=sublet(consent, attachment))
    assert codes(flags) == ["SUBLET_WITHOUT_CONSENT"]
    (flagged,) = flags
    assert "6 000 kr" in flagged["message"].replace("\u00a0", " ")
    assert flagged["evidence"]["amount"] == "6000.00"
    assert why in flagged["message"]
    assert "enligt reformen (prop. 2025/26:201)" in flagged["message"]
    assert "prop. 2025/26:201" in flagged["evidence"]["legal_source"]


def test_sublet_rent_is_not_flagged_in_2026():
    assert check_month("2026-12", declared=sublet("no")) == []


def test_sublet_with_consent_and_its_attachment_or_a_first_hand_lease_is_not_flagged():
    assert check_month("2027-01", declared=sublet("yes", attachment=True)) == []
    first_hand = copy.deepcopy(DECLARED)
    first_hand["housing"] = {"type": "rent"}
    assert check_month("2027-01", declared=first_hand) == []
    no_rent = sublet("no")
    no_rent["costs"] = [c for c in no_rent["costs"] if c["type"] != "rent"]
    assert check_month("2027-01", declared=no_rent) == []


def test_citizens_eu_citizens_and_a_valid_permit_are_lawful_stay():
    assert check_month("2027-01") == []
    covering = residence("permit", permit("2025-07-01", "2027-06-30"))
    assert check_month("2027-01", register=registers_with_miv(miv_a=covering)) == []
    permanent = residence("permit", permit("2019-03-01", None, "permanent_residence"))
    assert check_month("2027-01", register=registers_with_miv(miv_a=permanent)) == []
    # a renewed permit that takes over the day after the old one ends leaves no gap
    renewed = residence(
        "permit", permit("2025-01-01", "2027-01-14"), permit("2027-01-15", "2029-01-14")
    )
    assert check_month("2027-01", register=registers_with_miv(miv_a=renewed)) == []


def test_an_expired_permit_is_flagged_from_2027_and_not_in_2026():
    expired = residence(
        "permit", permit("2024-12-01", "2026-11-30"), permit("2024-12-01", "2028-01-01", "work")
    )
    register = registers_with_miv(miv_a=expired)
    flags = check_month("2027-01", register=register)
    assert codes(flags) == ["RESIDENCE_PERMIT_EXPIRED"]
    assert flags[0]["evidence"]["valid_until"] == "2026-11-30"
    assert "till och med 2026-11-30" in flags[0]["message"]
    assert "applicant 19850201-****" in flags[0]["message"]
    assert "vistas lagligt" in flags[0]["message"]
    assert "prop. 2025/26:201" in flags[0]["evidence"]["legal_source"]
    assert check_month("2026-12", register=register) == []


def test_a_permit_that_ends_during_the_month_is_expired_for_the_month():
    ends = residence("permit", permit("2025-02-01", "2027-02-10"))
    flags = check_month("2027-02", register=registers_with_miv(miv_b=ends))
    assert codes(flags) == ["RESIDENCE_PERMIT_EXPIRED"]
    assert "partner" in flags[0]["message"]


def test_a_missing_permit_is_flagged_from_2027():
    register = registers_with_miv(miv_a=residence("none"))
    flags = check_month("2027-01", register=register)
    assert codes(flags) == ["RESIDENCE_PERMIT_MISSING"]
    assert "inget uppehållstillstånd" in flags[0]["message"]
    # a permit that begins only after the month is no permit for the month either
    later = residence("permit", permit("2027-03-01", "2029-02-28"))
    assert codes(check_month("2027-01", register=registers_with_miv(miv_a=later))) == [
        "RESIDENCE_PERMIT_MISSING"
    ]
    assert check_month("2026-06", register=register) == []


def test_migrationsverket_not_answering_is_unknown_never_no_permit():
    unknown = {
        "status": "unknown",
        "records": [],
        "reason": "Migrationsverket svarade inte inom 2 s efter 3 försök",
    }
    register = registers_with_miv(miv_a=unknown)
    flags = check_month("2027-01", register=register)
    assert codes(flags) == ["REGISTER_UNKNOWN"]
    assert "Migrationsverket" in flags[0]["message"]
    assert "svarade inte inom 2 s" in flags[0]["message"]
    # before the reform Migrationsverket's answer is not used, so not knowing it is no flag
    assert check_month("2026-12", register=register) == []


def test_migrationsverket_not_asked_is_unknown_from_2027():
    register = registers()  # as fetched before the source existed
    flags = check_month("2027-01", register=register)
    assert codes(flags) == ["REGISTER_UNKNOWN", "REGISTER_UNKNOWN"]
    assert all(f["evidence"]["source"] == "MIV" for f in flags)
    assert check_month("2026-12", register=register) == []


def test_the_reform_start_is_a_dated_parameter():
    from bistand.robot.checks import reform_values

    assert reform_values("2026-12")["lawful_stay_check"] is False
    assert reform_values("2027-01")["lawful_stay_check"] is True
    assert reform_values("2027-01")["sublet_consent_check"] is True
    # the check follows the values it is given, not a date in the code
    declared = sublet("no")
    members = [Person(m["personnummer"], m["role"], m["role"]) for m in declared["members"]]
    data = CheckInput(
        month="2026-05",
        kind="first",
        members=members,
        declared=declared,
        previous=None,
        register=registers_with_miv(),
        threshold=Decimal("0.12"),
        reform={"sublet_consent_check": True, "lawful_stay_check": False},
    )
    assert codes(run_checks(data)) == ["SUBLET_WITHOUT_CONSENT"]
