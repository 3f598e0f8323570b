"""Every model change has its migration: a change without one would reach production as a
database that does not match the code (and `bistand migrate` would not notice)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_without_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"a model change has no migration (exit {exit_.code}):\n{out.getvalue()}")
