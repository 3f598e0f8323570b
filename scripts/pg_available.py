"""Exit 0 if a PostgreSQL server answers at the given URL, else print why and exit 1.

python scripts/pg_available.py postgres://postgres@127.0.0.1:5432/test
python scripts/pg_available.py --redact URL    # print URL without its password
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit, urlunsplit


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[1] == "--redact":
        print(redact(argv[2]))
        return 0
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        import psycopg
    except ImportError:
        print("psycopg is not installed")
        return 1
    try:
        with psycopg.connect(argv[1], connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as error:  # any failure means: not usable for the test run
        print(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
