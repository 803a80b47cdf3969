#!/usr/bin/env bash
# A throwaway S3 for tests: moto's server on loopback, with signature checking ON (IAM authentication), one bucket.
#
#   eval "$(scripts/s3-test-server.sh start)"   # prints the SEEDGATE_TEST_S3_* exports and SEEDGATE_S3_STATE
#   swift test --filter S3MediaStoreTests
#   scripts/s3-test-server.sh stop [state-file] # stops it and removes its directory
#
# Only the export lines go to stdout; progress and errors go to stderr. moto and boto3 are installed (pinned) into
# the virtual environment .venv-s3 at the repository root. moto checks SigV4 only when IAM authentication is on:
# the server starts with INITIAL_NO_AUTH_ACTION_COUNT set to the number of requests scripts/s3_test_setup.py makes
# unauthenticated (an IAM user, an allow-all policy, an access key); every later request must be signed with that
# key. The setup then proves it: a wrong secret gets 403 SignatureDoesNotMatch, an unknown key 403
# InvalidAccessKeyId, a correct signature 200; otherwise `start` fails. `stop` finds the server from its argument,
# else $SEEDGATE_S3_STATE, else the last one started from this machine.
# Environment: S3_TEST_PORT (first port to try, default 55900), S3_TEST_REGION (default us-east-1),
# S3_TEST_BUCKET (default seedgate-test).
set -euo pipefail
cd "$(dirname "$0")/.."

LAST_STATE="${TMPDIR:-/tmp}/seedgate-s3-test.last"
VENV=.venv-s3
MOTO_VERSION=5.2.1
BOTO3_VERSION=1.44.8
REGION=${S3_TEST_REGION:-us-east-1}
BUCKET=${S3_TEST_BUCKET:-seedgate-test}

log() { echo "s3-test-server: $*" >&2; }
die() { log "error: $*"; exit 1; }

ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV" >&2 || die "python3 -m venv failed (install python3-venv)"
    fi
    # The environment ignores itself (as Python 3.13's venv does), so git and the linters never see its files.
    [ -f "$VENV/.gitignore" ] || echo '*' >"$VENV/.gitignore"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" "boto3==$BOTO3_VERSION" >&2 \
        || die "pip install moto[server]==$MOTO_VERSION boto3==$BOTO3_VERSION failed"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits up to 30 s for the server to accept connections; fails early if it exited.
wait_for_port() {
    local pid=$1 port=$2 tries
    for tries in $(seq 1 300); do
        if port_in_use "$port"; then return 0; fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

start() {
    ensure_venv
    local base port pid attempt setup_count exports
    setup_count=$("$VENV/bin/python" scripts/s3_test_setup.py --print-setup-count)
    base=$(mktemp -d "${TMPDIR:-/tmp}/seedgate-s3.XXXXXX")
    port=${S3_TEST_PORT:-55900}
    pid=""
    for attempt in $(seq 1 50); do
        if ! port_in_use "$port"; then
            INITIAL_NO_AUTH_ACTION_COUNT=$setup_count nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" \
                </dev/null >"$base/moto.log" 2>&1 &
            pid=$!
            if wait_for_port "$pid" "$port"; then break; fi
            # Lost a race for the port, or moto failed: keep why, then try the next port.
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            pid=""
        fi
        port=$((port + 1))
    done
    if [ -z "$pid" ]; then
        tail -5 "$base/moto.log" >&2 || true
        rm -rf "$base"
        die "could not start moto_server on any port from ${S3_TEST_PORT:-55900}"
    fi
    cat >"$base/state" <<EOF
S3PID=$pid
S3PORT=$port
S3BASE=$base
EOF
    echo "$base/state" >"$LAST_STATE"
    local endpoint="http://127.0.0.1:$port"
    if ! exports=$("$VENV/bin/python" scripts/s3_test_setup.py --endpoint "$endpoint" --region "$REGION" --bucket "$BUCKET"); then
        tail -5 "$base/moto.log" >&2 || true
        stop "$base/state"
        die "setting up moto (IAM user, key, bucket, signature check) failed"
    fi
    log "moto $MOTO_VERSION on $endpoint (pid $pid), signature checking on, bucket $BUCKET, log $base/moto.log"
    echo "export SEEDGATE_TEST_S3_ENDPOINT=$endpoint"
    echo "export SEEDGATE_TEST_S3_REGION=$REGION"
    echo "export SEEDGATE_TEST_S3_BUCKET=$BUCKET"
    echo "$exports"
    echo "export SEEDGATE_S3_STATE=$base/state"
}

stop() {
    local state=${1:-${SEEDGATE_S3_STATE:-}}
    if [ -z "$state" ] && [ -f "$LAST_STATE" ]; then state=$(cat "$LAST_STATE"); fi
    [ -n "$state" ] || die "nothing to stop (no state file given, SEEDGATE_S3_STATE unset, no server started)"
    [ -f "$state" ] || { log "no server at $state (already stopped?)"; return 0; }
    local S3PID S3PORT S3BASE tries
    # shellcheck disable=SC1090
    source "$state"
    # Only the process this script started: the pid must still be a moto_server.
    if kill -0 "$S3PID" 2>/dev/null && tr '\0' ' ' <"/proc/$S3PID/cmdline" 2>/dev/null | grep -q moto_server; then
        kill "$S3PID" 2>/dev/null || true
        for tries in $(seq 1 50); do
            kill -0 "$S3PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$S3PID" 2>/dev/null; then kill -9 "$S3PID" 2>/dev/null || true; fi
    fi
    case "$S3BASE" in
        */seedgate-s3.*) [ "$S3BASE/state" -ef "$state" ] && rm -rf "$S3BASE" ;;
        *) die "refusing to remove unexpected directory $S3BASE" ;;
    esac
    if [ -f "$LAST_STATE" ] && [ "$(cat "$LAST_STATE")" = "$state" ]; then rm -f "$LAST_STATE"; fi
    log "stopped moto on port $S3PORT and removed $S3BASE"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start | stop [state-file]" >&2; exit 2 ;;
esac
