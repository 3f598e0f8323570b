"""Exact amounts: part-time shares are kept exact until the one rounding, and shown to öre.

Found by an independent re-implementation of the model (issue 10): dividing a child's
share in Decimal's 28-digit context made an exact half krona round the wrong way, and
the trace showed amounts like ``260.0000000000000000000000000``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from bistand.rules import calculate_json
from bistand.rules.money import decimal_str, round_final

TWO_PART_TIME_CHILDREN = {
    "month": "2025-04",
    "members": [
        {"id": "a", "role": "applicant", "born": "1985-01-01"},
        {"id": "c", "role": "child", "born": "2014-06-01", "days": 1},
        {"id": "d", "role": "child", "born": "2010-06-01", "days": 1},
    ],
    "incomes": [{"type": "salary", "member": "a", "amount": "1000.50"}],
}


def test_an_exact_half_krona_rounds_up():
    # Ensamstående                                         3 910
    # Barn 10 år 3 790 × 1/30                                126,333…
    # Barn 14 år 4 350 × 1/30                                145
    # Gemensamma, 1 person                                 1 270
    # Tillskott barn c (1 400 − 1 270) × 1/30                  4,333…
    # Tillskott barn d (1 770 − 1 400) × 1/30                 12,333…
    # = riksnorm 5 468 (exakt: 126 1/3 + 4 1/3 + 12 1/3 = 143)
    # − lön 1 000,50  =  4 467,50, avrundas uppåt till 4 468
    result = calculate_json(TWO_PART_TIME_CHILDREN)
    assert result.norm == 5468
    assert result.before_rounding == Decimal("4467.50")
    assert result.amount == 4468
    assert result.trace()["totals"]["before_rounding"] == "4467.50"


def test_a_share_that_terminates_is_an_exact_decimal():
    data = {
        "month": "2025-04",
        "members": [
            {"id": "a", "role": "applicant", "born": "1985-01-01"},
            {"id": "c", "role": "child", "born": "2014-06-01", "days": 12},
        ],
    }
    result = calculate_json(data)
    personal, increment = (li for li in result.lines if li.rule.rule_id == "part_time_child")
    assert personal.amount == Decimal(1516) and isinstance(personal.amount, Decimal)
    assert increment.amount == Decimal(52) and isinstance(increment.amount, Decimal)
    assert personal.to_json()["amount"] == "1516.00"


def test_a_share_that_does_not_terminate_is_kept_exact_and_shown_to_ore():
    data = {
        "month": "2025-04",
        "members": [
            {"id": "a", "role": "applicant", "born": "1985-01-01"},
            {"id": "c", "role": "child", "born": "2014-06-01", "days": 10},
        ],
    }
    result = calculate_json(data)
    personal, increment = (li for li in result.lines if li.rule.rule_id == "part_time_child")
    assert personal.amount == Fraction(3790, 3)  # 3 790 × 10/30, exactly
    assert increment.amount == Fraction(130, 3)  # (1 400 − 1 270) × 10/30
    assert personal.to_json()["amount"] == "1263.33"
    assert increment.to_json()["amount"] == "43.33"
    assert result.norm == Fraction(3910 + 1270) + Fraction(3790 + 130, 3)


def test_no_trace_amount_shows_more_than_ore():
    trace = calculate_json(TWO_PART_TIME_CHILDREN).trace()
    amounts = [line["amount"] for line in trace["lines"]] + list(trace["totals"].values())
    for line in trace["lines"]:
        amounts += [v for v in (line.get("detail") or {}).values() if isinstance(v, str)]
    for amount in amounts:
        assert re.fullmatch(r"-?\d+\.\d\d", amount), amount


def test_jobbstimulans_on_an_ore_salary_is_shown_to_ore_and_counted_exactly():
    data = {
        "month": "2025-04",
        "members": [{"id": "a", "role": "applicant", "born": "1985-01-01", "jobbstimulans": True}],
        "incomes": [{"type": "salary", "member": "a", "amount": "1234.57"}],
    }
    result = calculate_json(data)
    # 1 234,57 − 25 % (308,6425) = 925,9275 räknas; 5 180 − 925,9275 = 4 254,0725 → 4 254
    assert result.income == Decimal("925.9275")
    assert result.amount == 4254
    shown = [li["amount"] for li in result.trace()["lines"] if li["rule"] == "jobbstimulans"]
    assert shown == ["-308.64"]


def test_round_final_rounds_exact_fractions():
    assert round_final(Fraction(8935, 2), Decimal(1), "ROUND_HALF_UP") == 4468
    assert round_final(Fraction(13402, 3), Decimal(1), "ROUND_HALF_UP") == 4467  # 4 467,33
    assert round_final(Fraction(13402, 3), Decimal(1), "ROUND_UP") == 4468
    assert round_final(Fraction(13409, 3), Decimal(1), "ROUND_DOWN") == 4469  # 4 469,67
    assert round_final(Fraction(8935, 2), Decimal(10), "ROUND_HALF_UP") == 4470
    assert round_final(Fraction(8935, 2), Decimal("0.5"), "ROUND_DOWN") == Decimal("4467.5")


def test_decimal_str_shows_ore():
    assert decimal_str(Decimal(2540)) == "2540.00"
    assert decimal_str(Fraction(3790, 3)) == "1263.33"
    assert decimal_str(Fraction(8935, 2)) == "4467.50"
    assert decimal_str(Decimal("308.6425")) == "308.64"
