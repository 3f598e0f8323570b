"""The hours clock over weekends and public holidays, and the proposed amount traced to its
parameter (national.urgent_need, a local guideline)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml

from bistand.rules.parameters import default_store
from bistand.urgent import amount, clock

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 12, 7, 10, 0), at(2026, 12, 7, 17, 0)),  # Monday morning: the same day
        (at(2026, 12, 7, 14, 59), at(2026, 12, 7, 17, 0)),  # just before closing time
        (at(2026, 12, 7, 15, 0), at(2026, 12, 8, 17, 0)),  # at closing time: the next day
        (at(2026, 12, 4, 15, 30), at(2026, 12, 7, 17, 0)),  # Friday after closing: Monday
        (at(2026, 12, 5, 9, 0), at(2026, 12, 7, 17, 0)),  # Saturday: Monday
        (at(2026, 12, 6, 23, 59), at(2026, 12, 7, 17, 0)),  # Sunday night: Monday
        # Wednesday 23 December after closing: julafton, juldagen, annandag jul, a Sunday
        (at(2026, 12, 23, 16, 0), at(2026, 12, 28, 17, 0)),
        (at(2026, 12, 24, 8, 0), at(2026, 12, 28, 17, 0)),  # julafton is not a working day
    ],
)
def test_due_the_same_working_day_or_the_next(received, due):
    assert clock.due_at(received) == due


def test_the_clock_counts_hours_and_shows_late():
    due = at(2026, 12, 7, 17, 0)
    assert clock.clock(due, due - timedelta(minutes=90)).text == "1 h 30 min kvar"
    late = clock.clock(due, due + timedelta(minutes=5))
    assert late.late and late.text == "försenad 5 min"


def adult():
    return [amount.Person("a", "applicant", date(1985, 2, 1))]


def test_the_proposal_is_a_share_of_the_riksnorm_for_the_days_with_its_parameter_cited():
    proposal = amount.propose(adult(), 3, date(2026, 12, 7))
    lines = {line["rule"]: line for line in proposal.trace()["lines"]}
    # 2026: single adult 3 940 kr + common costs for one person; × 0.7 × 3/30, rounded
    norm = lines["urgent_norm_month"]["amount"]
    share = lines["urgent_share"]
    assert share["parameter"]["id"] == "national.urgent_need"
    assert share["parameter"]["key"] == "share_of_riksnorm"
    assert share["parameter"]["amount"] == "0.7"
    assert share["parameter"]["status"] == "provisional"
    assert share["parameter"]["source"] == "lokal riktlinje"
    assert lines["urgent_days"]["parameter"]["key"] == "days_divisor"
    expected = round(float(norm) * 0.7 * 3 / 30)
    assert proposal.amount == expected
    assert proposal.amount_ore == expected * 100
    assert any(p["id"] == "national.urgent_need" for p in proposal.trace()["parameters"])


def test_another_share_in_the_parameter_file_gives_another_amount():
    store = default_store()
    table = yaml.safe_load(
        (store.root / "national" / "urgent_need.yaml").read_text(encoding="utf-8")
    )
    table["versions"][0]["values"]["share_of_riksnorm"] = "0.5"
    changed = store.overlay_texts([("urgent_need.yaml", yaml.safe_dump(table))])
    base = amount.propose(adult(), 7, date(2026, 12, 7))
    half = amount.propose(adult(), 7, date(2026, 12, 7), store=changed)
    assert half.amount < base.amount
    line = next(li for li in half.trace()["lines"] if li["rule"] == "urgent_share")
    assert line["parameter"]["amount"] == "0.5"


def test_more_days_than_the_parameter_allows_is_refused():
    with pytest.raises(ValueError):
        amount.propose(adult(), 8, date(2026, 12, 7))
