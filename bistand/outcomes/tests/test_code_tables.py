"""The three code tables: dated, sourced, honest about what is unconfirmed, and shaped as the
follow-up and the statistics read them."""

from __future__ import annotations

import pytest

from bistand.outcomes import services
from bistand.outcomes.models import AdultMonth, ExitReason
from bistand.rules.parameters import default_store

TABLES = {
    services.EXIT_REASONS: (ExitReason, "code"),
    services.HINDER: (AdultMonth, "hinder"),
    services.ACTIVITIES: (AdultMonth, "activity"),
}


@pytest.mark.parametrize("table_id", TABLES)
def test_every_code_has_a_swedish_label_and_fits_its_column(table_id):
    model, field = TABLES[table_id]
    limit = model._meta.get_field(field).max_length
    for version in default_store().table(table_id).versions:
        codes = version.data["values"]["codes"]
        assert codes
        for code, row in codes.items():
            assert len(code) <= limit, f"{table_id}: {code} is longer than {limit}"
            assert row["label"].strip()
            assert "socialstyrelsen" in row


@pytest.mark.parametrize("table_id", TABLES)
def test_an_unconfirmed_code_list_says_so(table_id):
    for version in default_store().table(table_id).versions:
        unconfirmed = any(
            row["socialstyrelsen"] is None for row in version.data["values"]["codes"].values()
        )
        if unconfirmed:
            assert version.status == "provisional"
            assert "OBEKRÄFTAD" in version.source


def test_exit_reasons_are_in_the_follow_ups_categories():
    for version in default_store().table(services.EXIT_REASONS).versions:
        categories = {row["category"] for row in version.data["values"]["codes"].values()}
        assert categories <= set(services.EXIT_CATEGORIES)
        assert {"work", "studies", "unknown"} <= categories
