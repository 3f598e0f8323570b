#!/usr/bin/env bash
# Runs pytest on SQLite, then on PostgreSQL if a server answers. Called by `make test`.
# Extra pytest arguments: PYTEST_ARGS="-n 2 -x" make test
# The PostgreSQL server tried when DATABASE_URL names none: BISTAND_PG_TEST_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
DEFAULT_PG_URL=${BISTAND_PG_TEST_URL:-postgres://postgres@127.0.0.1:5432/test}
read -r -a extra_args <<<"${PYTEST_ARGS:-}"

run_pytest() {
    local backend=$1
    echo
    echo "=== pytest on $backend ==="
    local rc=0
    "$BIN/pytest" "${extra_args[@]}" || rc=$?
    if [ "$rc" -eq 5 ]; then
        echo "FAIL: pytest collected no tests on $backend" >&2
        return 1
    fi
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: pytest on $backend exited $rc" >&2
        return "$rc"
    fi
    echo "=== pytest on $backend: passed ==="
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. SQLite, in a temporary directory: never the developer's var/.
DATABASE_URL="sqlite:///$tmp/bistand.sqlite3" BISTAND_TEST_DB_NAME="$tmp/test_bistand.sqlite3" \
    run_pytest "SQLite (test database $tmp/test_bistand.sqlite3)"

# 2. PostgreSQL: DATABASE_URL if it names one (then it must answer), else the local server.
if [[ "${DATABASE_URL:-}" == postgres://* || "${DATABASE_URL:-}" == postgresql://* ]]; then
    pg_url=$DATABASE_URL
    required=1
else
    pg_url=$DEFAULT_PG_URL
    required=0
fi
shown_url=$("$BIN/python" scripts/pg_available.py --redact "$pg_url")
if reason=$("$BIN/python" scripts/pg_available.py "$pg_url" 2>&1); then
    # A test database of our own, so two runs against one server don't drop each other's.
    DATABASE_URL=$pg_url BISTAND_TEST_DB_NAME="test_bistand_$$" \
        run_pytest "PostgreSQL ($shown_url, test database test_bistand_$$)"
elif [ "$required" -eq 1 ]; then
    echo "FAIL: DATABASE_URL names PostgreSQL at $shown_url, but it does not answer: $reason" >&2
    exit 1
else
    echo
    echo "=== pytest on PostgreSQL: SKIPPED, no server at $shown_url ($reason) ==="
fi
