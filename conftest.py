"""Pytest plugins and settings shared by every app's tests."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["bistand.connectors.testing", "bistand.eservice.testing"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory, django_db_modify_db_settings_parallel_suffix):
    """SQLite tests use a database file, never the in-memory default.

    Under pytest-xdist (``-n 2``) each worker gets a database of its own: pytest-django's
    suffix fixture (``_gw0``, ``_gw1``) is kept, which overriding this fixture would drop.

    Tests with threads and worker processes need a database several connections can share,
    and the file gets the same WAL and IMMEDIATE settings as production. `make test` names
    the file itself (BISTAND_TEST_DB_NAME); a bare `pytest` gets one in a temporary folder.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"].endswith("sqlite3") and not test.get("NAME"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        test["NAME"] = str(tmp_path_factory.mktemp("db") / f"test_{worker}.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _static_files_without_a_manifest():
    """In production the static files have hashed names from collectstatic's manifest
    (bistand/settings.py, WhiteNoise); the tests serve them from the apps' folders by their
    own names, as the development server does. `bistand serve`'s test collects for real."""
    from django.test import override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield
