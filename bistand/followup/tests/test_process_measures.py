"""The process measures on the small history of conftest.py (``world``), every figure worked
out by hand below."""

from __future__ import annotations

import pytest

from bistand.followup.aggregates import bucket, bucket_hours
from bistand.followup.measures import automation, completion, flags, leadtime, states, stickprov
from bistand.followup.measures.base import wilson

pytestmark = pytest.mark.django_db


def by(table, key):
    return {row[table.columns[0][0]]: row for row in table.rows}[key]


def test_lead_time_by_route_for_the_whole_municipality(world):
    table = leadtime.by_route(world["all"])
    # automated: 2 h and 0.5 h → sorted 0.5, 2; p50 = rank ⌈0.5·2⌉ = 1 → 0.5; p95 = rank 2 → 2
    assert by(table, "Automatiserat beslut") == {
        "route": "Automatiserat beslut",
        "decisions": 2,
        "p50_hours": 0.5,
        "p95_hours": 2.0,
        "within_24h": 2,
        "share_within_24h": 1.0,
    }
    # caseworker: 30 (A2, from its first submission), 12, 96 → 12, 30, 96; p50 rank 2 → 30;
    # p95 rank ⌈2.85⌉ = 3 → 96; within 24 h: only 12 → 1 of 3
    caseworker = by(table, "Handläggare")
    assert (caseworker["p50_hours"], caseworker["p95_hours"]) == (30.0, 96.0)
    assert (caseworker["within_24h"], caseworker["share_within_24h"]) == (1, 0.3333)
    # all five: 0.5, 2, 12, 30, 96 → p50 rank 3 → 12; p95 rank ⌈4.75⌉ = 5 → 96; 3 of 5 in 24 h
    everyone = by(table, "Alla beslut")
    assert (everyone["decisions"], everyone["p50_hours"], everyone["p95_hours"]) == (5, 12.0, 96.0)
    assert everyone["share_within_24h"] == 0.6


def test_lead_time_of_one_unit_and_per_month(world):
    norr = by(leadtime.by_route(world["norr"]), "Alla beslut")
    # Norr: 0.5, 2, 12, 30 → p50 rank 2 → 2; p95 rank ⌈3.8⌉ = 4 → 30; 3 of 4 within 24 h
    assert (norr["decisions"], norr["p50_hours"], norr["p95_hours"]) == (4, 2.0, 30.0)
    assert norr["share_within_24h"] == 0.75
    months = leadtime.by_month(world["all"])
    # March: 2, 30, 12, 96 → 2, 12, 30, 96: p50 rank 2 → 12; April: A4 alone, 0.5 h
    assert (by(months, "2025-03")["decisions"], by(months, "2025-03")["p50_hours"]) == (4, 12.0)
    assert by(months, "2025-04")["p95_hours"] == 0.5


def test_automation_rate_and_digital_share(world):
    rates = automation.automation(world["all"])
    # March: A1 automated; A2, A3, B1 by caseworkers → 1 of 4; April: A4 → 1 of 1
    assert by(rates, "2025-03") == {
        "month": "2025-03",
        "decisions": 4,
        "automated": 1,
        "caseworker": 3,
        "automation_rate": 0.25,
    }
    assert by(rates, "2025-04")["automation_rate"] == 1.0
    digital = automation.digital(world["all"])
    # March: 5 submitted; A1, A2, B1 by the applicant, A3 by staff, H without a log (unknown)
    # → 3 of the 4 whose channel is known
    assert by(digital, "2025-03") == {
        "month": "2025-03",
        "applications": 5,
        "digital": 3,
        "not_digital": 1,
        "unknown": 1,
        "share_digital": 0.75,
    }


def test_time_in_each_state(world):
    table = states.time_in_states(world["all"])
    rows = {row["state"]: row for row in table.rows}
    # inkommen left three times: A2 08:00→08:01 and 09:00→09:01 (1 min each), A3 09:00→09:30
    # (30 min) → 32 min / 3 = 10.7 min = 0.18 h → 0.2
    assert rows["inkommen"] == {"state": "inkommen", "left": 3, "mean_hours": 0.2}
    # under automatisk handläggning: 1, 1 and 30 min → the same
    assert rows["under automatisk handläggning"]["left"] == 3
    # beslutsförslag klart left once (A2 08:02 → 10:32 = 2.5 h; the others were decided, and a
    # decision is not in this synthetic log)
    assert rows["beslutsförslag klart"] == {
        "state": "beslutsförslag klart",
        "left": 1,
        "mean_hours": 2.5,
    }
    # komplettering begärd: 03-03 10:32 → 03-04 09:00 = 22 h 28 min = 22.47 h → 22.5
    assert rows["komplettering begärd"]["mean_hours"] == 22.5
    assert "utkast" not in rows


def test_flags_and_how_often_they_changed_the_decision(world):
    table = flags.flags(world["all"])
    # INCOME_DIFFERS on A2 (4 500 kr decided against 5 000 proposed: changed) and A3 (as
    # proposed) → 1 of 2; VEHICLE on A3 only → 0 of 1
    assert by(table, "INCOME_DIFFERS")["proposals"] == 2
    assert by(table, "INCOME_DIFFERS")["changed"] == 1
    assert by(table, "INCOME_DIFFERS")["share_changed"] == 0.5
    assert (by(table, "VEHICLE")["decided"], by(table, "VEHICLE")["share_changed"]) == (1, 0.0)


def test_stickprov_error_rate_with_the_wilson_interval(world):
    row = stickprov.error_rate(world["all"]).rows[0]
    # 4 drawn, 1 pending → 3 controlled, 1 with an error: 1/3. Wilson 95 % (z = 1.96):
    # centre (1/3 + z²/6) / (1 + z²/3) = 0.9736 / 2.2805 = 0.4269,
    # half z·√(1/3·2/3/3 + z²/36) / 2.2805 = 1.96·0.4252 / 2.2805 = 0.3654 → 0.0615 – 0.7923
    assert row["controlled"] == 3 and row["errors"] == 1 and row["error_rate"] == 0.3333
    assert (row["ci_low"], row["ci_high"]) == (0.0615, 0.7923)
    outcomes = {r["outcome"]: r["controls"] for r in stickprov.outcomes(world["all"]).rows}
    assert outcomes["korrekt"] == 2 and outcomes["fel: inkomst"] == 1
    assert outcomes["ej kontrollerad"] == 1


def test_completion_requests(world):
    row = by(completion.completion(world["all"]), "2025-03")
    # A2 (answered) and A3 (not yet): 2 of March's 5 applications
    assert row == {
        "month": "2025-03",
        "submitted": 5,
        "requests": 2,
        "applications": 2,
        "share": 0.4,
        "answered": 1,
    }


def test_bucket_and_wilson_edges():
    # lead-time buckets: tenths of an hour rounded up to 72 h, whole hours above
    assert (bucket(0), bucket(360), bucket(361)) == (0, 1, 2)
    assert (bucket_hours(1), bucket_hours(2)) == (0.1, 0.2)  # 6 min 1 s is reported as 0.2 h
    assert bucket_hours(bucket(72 * 3600)) == 72.0
    assert bucket_hours(bucket(72 * 3600 + 1)) == 73.0
    assert wilson(0, 0) == (None, None)
    # 0 errors in 10: the interval still has room above 0: z²/(n+z²) = 3.8415/13.8415 = 0.2775
    assert wilson(0, 10) == (0.0, 0.2775)
