"""Seed data for the lawful-stay check: a few households with residence permits, one expired."""

from __future__ import annotations

from bistand.cases import synthetic
from bistand.connectors import SOURCES
from bistand.rules.period import Month


def _miv(household):
    return [sources["MIV"] for sources in household.register.values()]


def test_a_few_households_hold_permits_and_the_fourth_ones_ended_last_month():
    month = Month(2027, 1)
    households = synthetic.households(10, month)
    with_permits = [h for h in households if any(_miv(h)[0])]
    assert 2 <= len(with_permits) <= 5
    (expired,) = _miv(households[synthetic.EXPIRED_PERMIT_HOUSEHOLD])[0]
    assert expired["permits"][0]["valid_until"] == "2026-12-31"
    for household in with_permits:
        for records in _miv(household):
            # what the simulator is seeded with survives the plugin's raw round trip
            assert SOURCES["MIV"].parse(SOURCES["MIV"].to_raw(records)) == records
    citizens = [h for h in households if not any(_miv(h)[0])]
    assert SOURCES["MIV"].parse(SOURCES["MIV"].to_raw(_miv(citizens[0])[0]))[0]["basis"] == (
        "swedish_citizen"
    )


def test_the_permits_change_no_other_draw(monkeypatch):
    month = Month(2025, 4)
    households = synthetic.households(12, month)
    for household in households:
        for sources in household.register.values():
            sources["MIV"] = []
    monkeypatch.setattr(synthetic, "_residence", lambda *args: None)
    without = synthetic.households(12, month)
    assert [h.declared for h in households] == [h.declared for h in without]
    assert [h.planted for h in households] == [h.planted for h in without]
    assert [h.register for h in households] == [h.register for h in without]
