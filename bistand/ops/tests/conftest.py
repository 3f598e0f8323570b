from __future__ import annotations

import pytest

from bistand.ops import services


@pytest.fixture(autouse=True)
def fresh_checks():
    """Each test sees its own settings: no cached dependency or migration answer."""
    services.forget_cached_checks()
    services.forget_migration_check()
    yield
    services.forget_cached_checks()
    services.forget_migration_check()
