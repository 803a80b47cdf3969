#!/usr/bin/env bash
# Benchmarks of SeedGate on this machine: figures to read, not tests (never run in CI). BENCHMARKS.md holds the
# results, the machine and how to read them.
#
#   ./scripts/bench.sh [submit] [get] [load]     (default: all three, ~6 min after the release build)
#
#   submit  POST /v1/jobs through SeedGate vs the same create sent straight to the Ark emulator, at fixed request
#           rates (open loop, latency from each request's due time; see the generator below), p50/p90/p99
#   get     GET /v1/jobs/{id} with wrk -t2 -c50 -d10s --latency, beside SeedGate's /healthz (same middleware, no
#           store) and the emulator's /emulator/stats (plain Hummingbird route)
#   load    scripts/load.py with 1,000 and 10,000 jobs in flight: completion-to-visible lag, upstream status calls
#           per completed job, webhook latency, peak RSS
#
# Environment: BENCH_RATES (requests/s, default "200 1000"), BENCH_SECONDS (measured seconds per rate, default 20),
# BENCH_LOAD_JOBS (default "1000 10000"). Uses a release binary built with its own scratch path (.build-release/) so
# it never waits for, or blocks, a debug build. It installs nothing: it needs swift, python3 (3.11), git and, for
# `get`, wrk (`apt-get install wrk`), and stops at once saying what is missing. The Python parts are modules of
# scripts/seedgate_harness/ (fixedrate, bench, processes), shared with scripts/load.py and tests/clients.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${CI:-}" = true ]; then
  echo "bench.sh: benchmarks are not run in CI" >&2
  exit 0
fi

parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(submit get load)
rates=${BENCH_RATES:-"200 1000"}
seconds=${BENCH_SECONDS:-20}
load_jobs=${BENCH_LOAD_JOBS:-"1000 10000"}
emulator_key=emulator-key
ark_model=doubao-seedance-1-5-pro-251215   # Providers/volcengine-ark/manifest.yaml: seedance-1.5-pro upstream
say() { echo "bench: $*" >&2; }

# --- tools and the release binary -------------------------------------------------------------------------------
missing=()
need() { # command, what to install
  command -v "$1" >/dev/null 2>&1 || missing+=("$1 ($2)")
}
need swift "the Swift toolchain"
need python3 "Python 3.11: apt-get install python3"
need git "apt-get install git"
for part in "${parts[@]}"; do
  if [ "$part" = get ]; then need wrk "apt-get install wrk"; fi
done
if [ ${#missing[@]} -gt 0 ]; then
  say "missing tools, install them first (bench.sh installs nothing):"
  for tool in "${missing[@]}"; do say "  $tool"; done
  exit 1
fi
say "building the release binary (swift build -c release --product seedgate --scratch-path .build-release)"
swift build -c release --product seedgate --scratch-path .build-release >&2
bin="$root/.build-release/release/seedgate"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/seedgate-bench.XXXXXX")
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the machine ------------------------------------------------------------------------------------------------
echo "== machine"
echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), memory $(free -g | awk '/^Mem:/ {print $2}') GiB"
echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
echo "swift: $(swift --version 2>&1 | head -1)"
wrk_version() { if command -v wrk >/dev/null 2>&1; then wrk -v 2>&1 | head -1 | cut -d' ' -f1-2 || true; else echo "not installed"; fi; }
echo "wrk: $(wrk_version), python: $(python3 --version 2>&1)"
echo "seedgate: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo ' (with uncommitted changes)'), release build"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- helpers ----------------------------------------------------------------------------------------------------
harness() { PYTHONPATH="$root/scripts" python3 -m "seedgate_harness.$1" "${@:2}"; }
# Prints the port a process started with --port 0 --port-file FILE wrote, once FILE exists and PATH answers 200;
# fails with the process's log tail if it exits first or SECONDS pass.
await_port() { # name pid port-file log ready-path seconds
  harness processes --name "$1" --pid "$2" --port-file "$3" --log "$4" --ready "$5" --timeout "$6"
}
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %.1f MB  ", $1, $2 / 1024}' "/proc/$1/status"; }
stop_pid() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# An Ark emulator and SeedGate routed to it (SQLite in the temp directory, limits raised so nothing waits in
# SeedGate's admission queue, log level warning). Sets emulator_port, emulator_pid, server_port, server_pid.
start_stack() {
  rm -f "$tmp/emulator.port" "$tmp/seedgate.port"
  "$bin" emulate --provider volcengine-ark --port 0 --port-file "$tmp/emulator.port" --api-key "$emulator_key" \
    --queue-seconds 1 --run-seconds 3 > "$tmp/emulator.log" 2>&1 &
  emulator_pid=$!; pids+=("$emulator_pid")
  emulator_port=$(await_port emulator "$emulator_pid" "$tmp/emulator.port" "$tmp/emulator.log" /emulator/stats 60)
  rm -f "$tmp"/seedgate.sqlite*
  cat > "$tmp/seedgate.yaml" <<YAML
server: {host: 127.0.0.1}
store: {kind: sqlite, path: "$tmp/seedgate.sqlite"}
catalog_dir: "$root/Providers"
providers:
  volcengine-ark:
    base_url: http://127.0.0.1:$emulator_port
    credentials: {api_key: BENCH_ARK_KEY}
    models: {"*": {rpm: 1000000, concurrency: 1000000}}
routing:
  default: [volcengine-ark]
YAML
  (for name in ${!SEEDGATE_@}; do unset "$name"; done
   BENCH_ARK_KEY=$emulator_key SEEDGATE_LOG_LEVEL=warning SEEDGATE_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \
     exec "$bin" serve --config "$tmp/seedgate.yaml" --port 0 --port-file "$tmp/seedgate.port") > "$tmp/seedgate.log" 2>&1 &
  server_pid=$!; pids+=("$server_pid")
  server_port=$(await_port seedgate "$server_pid" "$tmp/seedgate.port" "$tmp/seedgate.log" /readyz 120)
}
stop_stack() { stop_pid "$server_pid"; stop_pid "$emulator_pid"; }

# Waits (at most $1 s) until SeedGate has no queued or running job.
wait_all_terminal() { harness bench wait-idle "$server_port" "$1"; }
fixedrate() { harness fixedrate "$@"; }
summary() { harness bench summary "$1"; }

# --- 1. submit overhead -----------------------------------------------------------------------------------------
bench_submit() {
  echo "== submit overhead: fixed rate, open loop, ${seconds} s measured after 2 s warm-up"
  start_stack
  local direct_body seedgate_body
  direct_body="{\"model\":\"$ark_model\",\"content\":[{\"type\":\"text\",\"text\":\"a paper boat drifts down a rainy street --duration 5\"}]}"
  seedgate_body='{"model":"seedance-1.5-pro","prompt":"a paper boat drifts down a rainy street","duration":5}'
  for rate in $rates; do
    fixedrate --port "$emulator_port" --path /api/v3/contents/generations/tasks --header "Authorization: Bearer $emulator_key" \
      --body "$direct_body" --rate "$rate" --duration "$seconds" | tee "$tmp/direct-$rate.json" | summary "Ark emulator direct"
    sleep 5   # the emulator's tasks end (1 s queued + 3 s running)
    fixedrate --port "$server_port" --path /v1/jobs --body "$seedgate_body" --rate "$rate" --duration "$seconds" \
      | tee "$tmp/seedgate-$rate.json" | summary "SeedGate POST /v1/jobs"
    wait_all_terminal 180
    # (the generator sends identical bodies, so the emulator's max_creates_per_task says nothing here)
    echo "  seedgate $(rss "$server_pid"); emulator: $(harness bench emulator-counters "$emulator_port")"
  done
  stop_stack
}

# --- 2. GET /v1/jobs/{id} vs trivial routes ---------------------------------------------------------------------
run_wrk() { # label url
  local out
  out=$(wrk -t2 -c50 -d10s --latency "$2")
  echo "$out" > "$tmp/wrk-$(echo "$1" | tr -c 'a-zA-Z0-9' _).txt"
  echo "$out" | awk -v label="$1" '
    /Requests\/sec/ {rps = $2}
    /^ +50%/ {p50 = $2} /^ +90%/ {p90 = $2} /^ +99%/ {p99 = $2}
    /Non-2xx/ {bad = $NF} /Socket errors/ {sock = $0}
    END {printf "%-34s %10s req/s  p50 %-8s p90 %-8s p99 %-8s non-2xx %s %s\n", label, rps, p50, p90, p99, (bad ? bad : 0), sock}'
}
bench_get() {
  echo "== GET throughput: wrk -t2 -c50 -d10s --latency (wrk shares the 2 cores with the servers)"
  start_stack
  local job id status
  job=$(harness bench finished-job "$server_port")   # a job that has succeeded (or given up after 30 s): "ID STATUS"
  read -r id status <<< "$job"
  echo "job $id is $status; seedgate idle: $(rss "$server_pid")"
  run_wrk "SeedGate GET /v1/jobs/{id}" "http://127.0.0.1:$server_port/v1/jobs/$id"
  run_wrk "SeedGate GET /healthz" "http://127.0.0.1:$server_port/healthz"
  run_wrk "Ark emulator GET /emulator/stats" "http://127.0.0.1:$emulator_port/emulator/stats"
  echo "seedgate after: $(rss "$server_pid")"
  stop_stack
}

# --- 3. jobs in flight (scripts/load.py) ------------------------------------------------------------------------
bench_load() {
  for jobs in $load_jobs; do
    echo "== scripts/load.py --jobs $jobs --binary .build-release/release/seedgate"
    python3 scripts/load.py --jobs "$jobs" --binary "$bin" --timeout 900 || say "load.py --jobs $jobs exited non-zero (its RESULT line says why)"
  done
}

for part in "${parts[@]}"; do
  case "$part" in
    submit) bench_submit ;;
    get) bench_get ;;
    load) bench_load ;;
    *) say "unknown part $part (submit, get, load)"; exit 2 ;;
  esac
done
