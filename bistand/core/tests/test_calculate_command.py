"""`bistand calculate` and `bistand bench rules`, run as a user runs them: a separate process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = {
    "month": "2025-04",
    "guidelines": "exempelkommun",
    "members": [
        {"id": "a", "role": "applicant", "born": "1985-02-01", "jobbstimulans": True},
        {"id": "b", "role": "partner", "born": "1987-03-03"},
        {"id": "c", "role": "child", "born": "2019-09-01", "lunch_away": True},
        {"id": "d", "role": "child", "born": "2012-10-01", "days": 15},
        {"id": "x", "role": "other", "born": "1960-01-01"},
    ],
    "costs": [
        {"type": "rent", "amount": "8500"},
        {"type": "electricity", "amount": "400"},
        {"type": "home_insurance", "amount": "200"},
        {"type": "work_travel", "amount": "0"},
        {"type": "union_fee", "amount": "0"},
        {"type": "unemployment_fund_fee", "amount": "0"},
    ],
    "incomes": [
        {"type": "salary", "member": "a", "amount": "8000"},
        {"type": "unemployment_benefit", "member": "b", "amount": "9000"},
        {"type": "child_allowance", "member": "a", "amount": "2650"},
    ],
}


def bistand(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bistand.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_calculate_file_prints_json(tmp_path: Path):
    path = tmp_path / "household.json"
    path.write_text(json.dumps(EXAMPLE))
    done = bistand("calculate", str(path))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["amount"] == "4533.00"
    assert result["trace"]["schema"] == "bistand.rules.trace"
    assert [f["code"] for f in result["flags"]] == ["COST_ABOVE_CAP"]


def test_calculate_stdin_explain_in_swedish():
    done = bistand("calculate", "--explain", "-", stdin=json.dumps(EXAMPLE))
    assert done.returncode == 0, done.stderr
    text = done.stdout.replace("\u00a0", " ")
    assert "Försörjningsstöd för månaden: 4 533 kr" in text
    assert "Enligt Socialtjänstförordningen" in text


ADULT = '{"id": "a", "role": "applicant", "born": "1990-01-01"}'


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ("not json", "inte giltig JSON"),
        ('{"month": "2025-13", "members": []}', "month"),
        ('{"month": "2025-04", "members": [{"id": "a", "role": "boss"}]}', "members[0].role"),
        (
            '{"month": "2025-04", "members": [' + ADULT + '], "costs": [{"type": "rent", '
            '"amount": "-1"}]}',
            "costs[0].amount",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(stdin, words):
    done = bistand("calculate", "-", stdin=stdin)
    assert done.returncode == 2
    assert words in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize(
    ("stdin", "table"),
    [
        ('{"month": "2024-05", "members": [' + ADULT + "]}", "riksnorm.children"),
        ('{"month": "2027-01", "members": [' + ADULT + "]}", "riksnorm."),
        (
            '{"month": "2023-05", "members": [' + ADULT + ', {"id": "c", "role": "child", '
            '"born": "2020-01-01", "lunch_away": true}]}',
            "utan lunch",
        ),
    ],
)
def test_missing_parameter_exits_3_saying_a_parameter_is_missing(stdin, table):
    done = bistand("calculate", "-", stdin=stdin)
    assert done.returncode == 3
    assert "parameter saknas" in done.stderr and table in done.stderr
    assert "fel i indata" not in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_missing_file_exits_2():
    done = bistand("calculate", "/no/such/file.json")
    assert done.returncode == 2 and "kan inte läsa" in done.stderr


def test_bench_rules_prints_households_per_second_last():
    done = bistand("bench", "rules", "--households", "300")
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("rules: ") and last.endswith(" households/s")
    assert float(last.split()[1]) > 0


def test_bench_rules_for_a_month_without_parameters_says_a_parameter_is_missing():
    done = bistand("bench", "rules", "--households", "10", "--month", "2027-01")
    assert done.returncode == 3
    assert "parameter saknas" in done.stderr and "riksnorm." in done.stderr
    assert "Traceback" not in done.stderr
