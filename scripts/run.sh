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

SIMULATOR_PORT=${BISTAND_SIMULATOR_PORT:-8001}
export BISTAND_REGISTER_SIMULATOR_URL=${BISTAND_REGISTER_SIMULATOR_URL:-http://127.0.0.1:$SIMULATOR_PORT}

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

# 1. The register simulator (SSBTEK stand-in) on loopback; its seeded data survives restarts.
start simulator "$BIN/bistand" simulator --host 127.0.0.1 --port "$SIMULATOR_PORT" \
    --state var/simulator.json
for _ in $(seq 1 100); do
    if "$BIN/python" -c "import httpx,sys; httpx.get(sys.argv[1] + '/health', timeout=1, trust_env=False).raise_for_status()" \
        "$BISTAND_REGISTER_SIMULATOR_URL" 2>/dev/null; then
        break
    fi
    sleep 0.2
done

# 2. The database and the demo data (households are registered in the simulator too).
"$BIN/bistand" migrate --noinput
"$BIN/bistand" demo

# 3. The robot's worker and the web server.
start worker "$BIN/bistand" worker
start server "$BIN/bistand" runserver "$HOST:$PORT"

echo "==> Bistånd on http://$HOST:$PORT/ (admin: admin/admin); Ctrl-C stops everything"
# Stop everything as soon as any one process ends.
wait -n
