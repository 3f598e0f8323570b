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
# Applicants' e-legitimation: a local OpenID Connect provider with the demo identities
# (oidc-provider-mock, a development dependency) unless a real broker is configured.
EID_PORT=${BISTAND_EID_PORT:-8002}
LOCAL_EID=0
if [ -z "${BISTAND_EID_OIDC_ISSUER:-}" ]; then
    LOCAL_EID=1
    export BISTAND_EID_OIDC_ISSUER=http://127.0.0.1:$EID_PORT
    export BISTAND_EID_OIDC_CLIENT_ID=bistand-demo
    export BISTAND_EID_OIDC_CLIENT_SECRET=demo
fi

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
    --state "${BISTAND_VAR_DIR:-var}/simulator.json"
for _ in $(seq 1 100); do
    if "$BIN/python" -c "import httpx,sys; httpx.get(sys.argv[1] + '/health', timeout=1, trust_env=False).raise_for_status()" \
        "$BISTAND_REGISTER_SIMULATOR_URL" 2>/dev/null; then
        break
    fi
    sleep 0.2
done

# 2. The local e-ID provider, with the demo applicants as predefined identities.
if [ "$LOCAL_EID" = 1 ]; then
    eid_args=()
    while IFS= read -r claims; do
        eid_args+=(--user-claims "$claims")
    done < <("$BIN/python" -m bistand.eservice.demo)
    start e-id "$BIN/python" -W ignore -m oidc_provider_mock --host 127.0.0.1 --port "$EID_PORT" \
        --require-nonce "${eid_args[@]}"
fi

# 2b. The local SMTP stand-in: every e-mail Bistånd sends lands in var/mail/ (`bistand mail`).
SMTP_PORT=${BISTAND_SMTP_PORT:-8025}
export BISTAND_SMTP_HOST=${BISTAND_SMTP_HOST:-127.0.0.1} BISTAND_SMTP_PORT=$SMTP_PORT
export BISTAND_PUBLIC_URL=${BISTAND_PUBLIC_URL:-http://$HOST:$PORT}
start mail "$BIN/bistand" mailserver --port "$SMTP_PORT" --dir "${BISTAND_VAR_DIR:-var}/mail"

# 3. The database and the demo data (households are registered in the simulator too).
"$BIN/bistand" migrate --noinput
"$BIN/bistand" demo

# 4. The robot's worker and the web server.
start worker "$BIN/bistand" worker
start server "$BIN/bistand" runserver "$HOST:$PORT"

echo "==> Bistånd on http://$HOST:$PORT/ (admin: admin/admin; staff: /konto/logga-in/;"
echo "    applicants: http://$HOST:$PORT/mina-sidor/ with the demo e-ID); Ctrl-C stops everything"
echo "    e-mail sent to applicants: .venv/bin/bistand mail (var/mail/)"
# Stop everything as soon as any one process ends.
wait -n
