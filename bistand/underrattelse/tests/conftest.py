"""The same world as the urgent path's tests: a municipality with two units, staff with roles,
and households with a decided month (bistand/urgent/tests/conftest.py; one copy, not two)."""

from bistand.urgent.tests.conftest import (  # noqa: F401 (the fixture and names the tests use)
    APPLICANT,
    CHILD,
    PARTNER,
    STRANGER,
    World,
    declared,
    world,
)
