"""The test database's URL for a child process (a worker, a web process) to open."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection


def child_database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        if "memory" in name:
            pytest.skip("child processes need a database file")
        return f"sqlite:///{name}"
    user = quote(settings.get("USER") or "postgres")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
