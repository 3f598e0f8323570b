"""Turn a ``DATABASE_URL`` into a Django ``DATABASES`` entry.

Supported forms:

- ``sqlite:///relative/path.sqlite3``: relative to ``base_dir`` (the repository root in settings)
- ``sqlite:////absolute/path.sqlite3``: absolute path (four slashes)
- ``sqlite:///:memory:``: in-memory database
- ``postgres://user:password@host:port/dbname?sslmode=require`` (``postgresql://`` too);
  user, password, host and port are optional, query parameters become connection options.

Written with ``urllib.parse`` so the project needs no extra dependency for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

SQLITE_SCHEMES = frozenset({"sqlite"})
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "pgsql"})

# SQLite allows one writer at a time. WAL lets readers carry on while someone writes,
# IMMEDIATE takes the write lock when a transaction starts (so two writers queue instead of
# failing halfway with "database is locked"), and the timeout is how long a writer waits.
SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


def parse_database_url(url: str, base_dir: Path | str | None = None) -> dict[str, Any]:
    """Return a Django database settings dict for ``url``.

    Raises ``ValueError`` with a message saying what is accepted when the URL cannot be used.
    The message never repeats the URL itself, since it may hold a password.
    """
    if not url or not url.strip():
        raise ValueError(
            "DATABASE_URL is empty: use sqlite:///path or postgres://user@host:port/db"
        )
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in SQLITE_SCHEMES:
        return _sqlite(parts.netloc, parts.path, base_dir)
    if scheme in POSTGRES_SCHEMES:
        return _postgres(parts)
    shown = scheme or "(none)"
    raise ValueError(
        f"Unsupported DATABASE_URL scheme {shown!r}: use sqlite:///path/to/file.sqlite3 "
        "or postgres://user@host:port/dbname"
    )


def _sqlite(netloc: str, path: str, base_dir: Path | str | None) -> dict[str, Any]:
    if netloc:
        raise ValueError(
            "A sqlite DATABASE_URL takes no host: write sqlite:///relative/path or "
            "sqlite:////absolute/path"
        )
    # urlsplit("sqlite:///var/db") gives path "/var/db": the first slash only ends the
    # empty host, so what follows it is the path the user meant.
    name = unquote(path[1:] if path.startswith("/") else path)
    if not name:
        raise ValueError("A sqlite DATABASE_URL needs a file path, e.g. sqlite:///var/db.sqlite3")
    if name != ":memory:":
        file = Path(name)
        if not file.is_absolute():
            file = Path(base_dir or Path.cwd()) / file
        name = str(file)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": dict(SQLITE_OPTIONS),
    }


def _postgres(parts) -> dict[str, Any]:
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ValueError(
            "A postgres DATABASE_URL needs a database name, e.g. postgres://user@host:5432/bistand"
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError("The port in the postgres DATABASE_URL is not a number") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        # Percent-encoded hosts are Unix socket directories, e.g. %2Fvar%2Frun%2Fpostgresql.
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(port) if port is not None else "",
        "OPTIONS": dict(parse_qsl(parts.query)),
    }
