"""The process measures on a small history whose every figure is worked out by hand below.

Applications (Swedish time), unit Norr unless said:

* A1 2025-03, by the applicant, in 03-02 08:00, automated decision 03-02 10:00 → 2 h
* A2 2025-03, by the applicant, in 03-03 08:00; completion asked 10:32, sent again 03-04 09:00;
  a caseworker decides 03-04 14:00 → 30 h from the *first* submission; flag INCOME_DIFFERS,
  proposal 5 000 kr, decision 4 500 kr (changed)
* A3 2025-03, registered by staff (user:7:reception), in 03-05 09:00, caseworker 03-05 21:00
  → 12 h; flags INCOME_DIFFERS and VEHICLE, decided as proposed
* A4 2025-04, by the applicant, in 04-01 08:00, automated 04-01 08:30 → 0.5 h
* B1 2025-03, unit Syd, by the applicant, in 03-02 08:00, caseworker 03-06 08:00 → 96 h
* H  2025-03, unit Syd, imported history: submitted, no state log, not decided
"""

from __future__ import annotations

import pytest

from bistand.cases.seeding import get_municipality
from bistand.followup.measures import automation, completion, flags, leadtime, states, stickprov
from bistand.followup.measures.base import Scope, percentile, wilson
from bistand.staff.testing import make_staff
from bistand.workspace.models import CompletionRequest

from . import history as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    norr, syd = h.unit("Norr"), h.unit("Syd")
    caseworker = make_staff("hl", "handlaggare", [norr])

    def case(unit):
        return h.household(unit, [h.person()])

    a1 = h.application(case(norr), "2025-03", submitted="2025-03-02 08:00")
    d1 = h.decide(a1, "2025-03-02 10:00", automated=True)
    a2 = h.application(
        case(norr),
        "2025-03",
        submitted="2025-03-03 08:00",
        steps=[
            ("robot_processing", "2025-03-03 08:01"),
            ("proposal_ready", "2025-03-03 08:02"),
            ("completion_requested", "2025-03-03 10:32"),
            ("submitted", "2025-03-04 09:00"),
            ("robot_processing", "2025-03-04 09:01"),
            ("proposal_ready", "2025-03-04 09:02"),
        ],
    )
    a2.submitted_at = h.at("2025-03-04 09:00")  # as a new submission sets it
    a2.save(update_fields=["submitted_at"])
    d2 = h.decide(
        a2,
        "2025-03-04 14:00",
        automated=False,
        user=caseworker,
        amount_ore=450_000,
        proposal_amount_ore=500_000,
        flags=["INCOME_DIFFERS"],
    )
    CompletionRequest.objects.create(
        application=a2,
        message="Lönespecifikation",
        requested_by=caseworker,
        at=h.at("2025-03-03 10:32"),
        answered_at=h.at("2025-03-04 09:00"),
    )
    a3 = h.application(
        case(norr),
        "2025-03",
        submitted="2025-03-05 09:00",
        by="user:7:reception",
        steps=[("robot_processing", "2025-03-05 09:30"), ("proposal_ready", "2025-03-05 10:00")],
    )
    d3 = h.decide(
        a3,
        "2025-03-05 21:00",
        automated=False,
        user=caseworker,
        flags=["INCOME_DIFFERS", "VEHICLE"],
    )
    CompletionRequest.objects.create(
        application=a3,
        message="Kontoutdrag",
        requested_by=caseworker,
        at=h.at("2025-03-05 12:00"),
    )
    a4 = h.application(case(norr), "2025-04", submitted="2025-04-01 08:00")
    h.decide(a4, "2025-04-01 08:30", automated=True)
    b1 = h.application(case(syd), "2025-03", submitted="2025-03-02 08:00")
    db1 = h.decide(b1, "2025-03-06 08:00", automated=False, user=caseworker)
    from bistand.cases.models import Application

    Application.objects.create(
        case=case(syd),
        month="2025-03",
        kind="repeat",
        state="paid",
        submitted_at=h.at("2025-03-01 08:00"),
    )
    h.stickprov(
        "2025-03", [(d1, "correct"), (d2, "wrong_income"), (db1, "pending"), (d3, "correct")]
    )
    municipality = get_municipality()
    return {
        "all": Scope(municipality.pk, "2025-03", "2025-04"),
        "norr": Scope(municipality.pk, "2025-03", "2025-04", (norr.pk,)),
    }


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


def test_percentile_and_wilson_edges():
    assert percentile([], 50) is None
    assert percentile([1, 2, 3, 4], 50) == 2  # nearest rank ⌈0.5·4⌉ = 2
    assert wilson(0, 0) == (None, None)
    # 0 errors in 10: the interval still has room above 0: z²/(n+z²) = 3.8415/13.8415 = 0.2775
    assert wilson(0, 10) == (0.0, 0.2775)
