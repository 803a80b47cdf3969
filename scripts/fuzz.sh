#!/usr/bin/env bash
# API fuzzing: schemathesis generates requests from openapi/seedgate.yaml (valid and invalid ones: examples,
# coverage of every constraint, random fuzzing, and stateful sequences that follow the spec's links from a created
# job to GET/events/cancel) and sends them to a live SeedGate in embedded mode. It fails on any 5xx and on any
# answer the spec does not describe: undocumented status, wrong content type, headers or body not matching the
# response schema. Exit status: schemathesis's (non-zero on any failure or error); the server is always stopped.
#
# Usage: ./scripts/fuzz.sh [extra schemathesis run arguments]
# Environment: FUZZ_MAX_EXAMPLES (per operation and phase, default 300: about 4,000 requests in total, ~1 min),
#              FUZZ_SEED (default fixed so CI runs are repeatable; FUZZ_SEED=random for a new one each run),
#              PYTHON (interpreter for the virtual environment, default python3).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

schemathesis_version=4.32.5
venv="$root/.venv-fuzz"
examples=${FUZZ_MAX_EXAMPLES:-300}
seed=${FUZZ_SEED:-20261121}
[ "$seed" = random ] && seed=$(( (RANDOM << 15) | RANDOM ))

log() { echo "fuzz: $*" >&2; }

# 1. schemathesis, pinned, in its own virtual environment.
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $schemathesis_version" ]; then
  log "installing schemathesis $schemathesis_version into .venv-fuzz/"
  rm -rf "$venv"
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

# 2. The server binary (debug), built when missing or older than the sources.
bin="$root/.build/debug/seedgate"
if [ ! -x "$bin" ] || [ -n "$(find Sources Package.swift -newer "$bin" -print -quit)" ]; then
  log "building seedgate"
  swift build --product seedgate
fi

# 3. SeedGate in embedded mode (every provider emulated on loopback) on a free port, with its SQLite database in a
# temporary directory. The configuration file only restricts webhooks to 127.0.0.1 (fuzzed callback_url values must
# never make the server send traffic anywhere else); with a configuration file, emulated providers need --demo.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/seedgate-fuzz.XXXXXX")
server_pid=
cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -s "$tmp/server.log" ]; then
    log "server log (last 40 lines):"
    tail -n 40 "$tmp/server.log" >&2
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat > "$tmp/seedgate.yaml" <<'YAML'
webhooks:
  allow_hosts: ["127.0.0.1"]
  allow_private_networks: false
YAML
# The kernel picks the port (--port 0); the server writes it to the port file once it listens.
SEEDGATE_SQLITE_PATH="$tmp/seedgate.sqlite" SEEDGATE_LOG_LEVEL=warning \
  "$bin" serve --demo --host 127.0.0.1 --port 0 --port-file "$tmp/port" --config "$tmp/seedgate.yaml" > "$tmp/server.log" 2>&1 &
server_pid=$!
port=$(PYTHONPATH="$root/scripts" "$venv/bin/python" -m seedgate_harness.processes \
  --pid "$server_pid" --port-file "$tmp/port" --log "$tmp/server.log" --ready /readyz) || {
  log "the server did not become ready"
  exit 1
}
base="http://127.0.0.1:$port"
log "SeedGate (embedded mode) ready at $base; schemathesis $schemathesis_version, $examples examples per operation, seed $seed"

# 4. The run. One worker: with several, Hypothesis on Python 3.11 can fail with "AST constructor recursion depth
# mismatch" (a CPython thread-safety bug in ast.parse), and one is enough for a few thousand requests a minute.
# Run from the temporary directory so nothing (reports, caches) lands in the work tree.
status=0
(cd "$tmp" && "$venv/bin/schemathesis" run "$root/openapi/seedgate.yaml" --url "$base" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "$examples" --seed "$seed" --workers 1 --continue-on-failure \
  --request-timeout 30 --generation-database none --no-color \
  --report ndjson --report-ndjson-path "$tmp/events.ndjson" "$@") || status=$?

# 5. How many requests were really sent, and by status (from the NDJSON event log).
if [ -s "$tmp/events.ndjson" ]; then
  "$venv/bin/python" - "$tmp/events.ndjson" <<'PY' >&2 || true
import collections, json, sys
by_status = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8"):
    event = json.loads(line)
    finished = event.get("ScenarioFinished")
    if not finished:
        continue
    for interaction in (finished.get("recorder") or {}).get("interactions", {}).values():
        response = interaction.get("response")
        by_status[response["status_code"] if response else "no answer"] += 1
total = sum(by_status.values())
print(f"fuzz: {total} requests sent; by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items(), key=str)))
PY
fi

# 6. The server must have survived the run and logged no failed request (5xx).
if ! kill -0 "$server_pid" 2>/dev/null; then log "the server died during the run"; status=1; fi
if grep -q "request failed" "$tmp/server.log"; then log "the server logged failed requests (5xx)"; status=1; fi
[ "$status" -eq 0 ] && log "passed (seed $seed)" || log "FAILED (status $status, seed $seed: FUZZ_SEED=$seed ./scripts/fuzz.sh reproduces it)"
exit "$status"
