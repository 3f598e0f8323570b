"""Parameter readiness: which tables a month has, and the warning ahead of 1 January."""

from __future__ import annotations

from datetime import date

from bistand.rules.parameters import default_store
from bistand.rules.period import Month
from bistand.rules.readiness import (
    MISSING,
    NOT_NEEDED,
    OFFICIAL,
    missing,
    months_needed_soon,
    status,
    warnings,
)


def by_id(month: Month) -> dict[str, str]:
    return {t.table: t.status for t in status(default_store(), month)}


def test_2027_lacks_the_riksnorm_and_the_reform_tables_and_names_them():
    lacking = {t.table for t in missing(default_store(), Month(2027, 1))}
    assert {
        "riksnorm.adults",
        "riksnorm.children",
        "riksnorm.common_household_costs",
        "riksnorm.reference_value",
        "riksnorm.ceiling",
        "riksnorm.large_household_limit",
    } <= lacking


def test_the_reform_tables_are_not_needed_before_2027():
    states = by_id(Month(2025, 9))
    assert states["riksnorm.ceiling"] == NOT_NEEDED
    assert states["riksnorm.reference_value"] == NOT_NEEDED
    assert states["riksnorm.adults"] == OFFICIAL
    assert not missing(default_store(), Month(2025, 9))


def test_a_year_without_a_riksnorm_is_missing_never_the_nearest_year():
    assert by_id(Month(2024, 5))["riksnorm.children"] == MISSING


def test_next_january_is_checked_from_the_lead_time_on():
    assert Month(2027, 1) not in months_needed_soon(date(2026, 10, 15), 31)
    assert months_needed_soon(date(2026, 10, 15), 31) == [Month(2026, 10), Month(2026, 11)]
    assert Month(2027, 1) in months_needed_soon(date(2026, 11, 15), 60)
    assert months_needed_soon(date(2026, 12, 1), 31) == [Month(2026, 12), Month(2027, 1)]


def test_the_warning_from_1_december_says_the_riksnorm_is_missing_and_where_to_read():
    assert warnings(default_store(), date(2026, 11, 30), 31) == []
    (warning,) = warnings(default_store(), date(2026, 12, 1), 31)
    assert warning.month == Month(2027, 1) and warning.riksnorm
    text = warning.text_sv()
    assert text.startswith("Riksnormen för 2027 är inte inlagd")
    assert "riksnorm.children" in text and "januari 2027" in text and "docs/rules.md" in text
