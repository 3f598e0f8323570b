#!/usr/bin/env bash
# Development server: migrate, load demo data, then run the processes side by side.
# Each process gets its own process group, so stopping this script (Ctrl-C, or a signal)
# also stops what they started (runserver's autoreloader child, for one).
set -euo pipefail
cd "$(dirname "$0")/.."

export BISTAND_DEBUG=1
BIN=.venv/bin
HOST=${BISTAND_HOST:-127.0.0.1}
PORT=${BISTAND_PORT:-8000}

"$BIN/bistand" migrate --noinput
"$BIN/bistand" demo

set -m  # job control: each background process leads its own process group
pids=()

start() {
    local name=$1
    shift
    echo "==> starting $name: $*"
    "$@" &
    pids+=("$!")
}

stop_all() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Later: the register simulator and the task worker (`bistand db_worker`) start here too.
start server "$BIN/bistand" runserver "$HOST:$PORT"

# Stop everything as soon as any one process ends.
wait -n
