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
# it never waits for, or blocks, a debug build; wrk comes from apt (installed here if missing, as root).
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
if ! command -v wrk >/dev/null 2>&1; then
  say "installing wrk (apt)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
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
echo "wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), python: $(python3 --version 2>&1)"
echo "seedgate: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo ' (with uncommitted changes)'), release build"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- helpers ----------------------------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { # url seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  say "timed out waiting for $1"; return 1
}
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %.1f MB  ", $1, $2 / 1024}' "/proc/$1/status"; }
stop_pid() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# An Ark emulator and SeedGate routed to it (SQLite in the temp directory, limits raised so nothing waits in
# SeedGate's admission queue, log level warning). Sets emulator_port, emulator_pid, server_port, server_pid.
start_stack() {
  emulator_port=$(free_port)
  server_port=$(free_port)
  "$bin" emulate --provider volcengine-ark --port "$emulator_port" --api-key "$emulator_key" \
    --queue-seconds 1 --run-seconds 3 > "$tmp/emulator.log" 2>&1 &
  emulator_pid=$!; pids+=("$emulator_pid")
  wait_http "http://127.0.0.1:$emulator_port/emulator/stats" 60
  rm -f "$tmp"/seedgate.sqlite*
  cat > "$tmp/seedgate.yaml" <<YAML
server: {host: 127.0.0.1, port: $server_port}
store: {kind: sqlite, path: "$tmp/seedgate.sqlite"}
catalog_dir: "$root/Providers"
providers:
  volcengine-ark:
    base_url: http://127.0.0.1:$emulator_port
    credentials: {api_key: BENCH_ARK_KEY}
    rpm: 1000000
    concurrency: 1000000
routing:
  default: [volcengine-ark]
YAML
  (for name in ${!SEEDGATE_@}; do unset "$name"; done
   BENCH_ARK_KEY=$emulator_key SEEDGATE_LOG_LEVEL=warning SEEDGATE_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \
     exec "$bin" serve --config "$tmp/seedgate.yaml") > "$tmp/seedgate.log" 2>&1 &
  server_pid=$!; pids+=("$server_pid")
  wait_http "http://127.0.0.1:$server_port/readyz" 120
}
stop_stack() { stop_pid "$server_pid"; stop_pid "$emulator_pid"; }

# Waits (at most $1 s) until SeedGate has no queued or running job.
wait_all_terminal() {
  local limit=$1 start=$SECONDS
  while [ $(( SECONDS - start )) -lt "$limit" ]; do
    local open=0
    for status in queued running; do
      if curl -fsS "http://127.0.0.1:$server_port/v1/jobs?status=$status&limit=1" | grep -q '"id"'; then open=1; fi
    done
    [ "$open" -eq 0 ] && return 0
    sleep 1
  done
  say "jobs still unfinished after $limit s"
}

# The fixed-rate generator (Python standard library; its docstring says how it measures).
cat > "$tmp/fixedrate.py" <<'PY'
"""Open-loop, fixed-rate HTTP/1.1 load (standard library only).

Request i is due at t0 + i/rate and is sent then, whatever happened to the earlier ones: a slow answer never
delays the next request (wrk's closed loop would). Latency is measured from the request's due time to the last
byte of its answer, so time spent waiting for a free connection or behind a stalled server is counted (no
coordinated omission). Keep-alive connections are reused; a new one is opened when all are busy (up to
--max-connections, then requests wait, and that wait is in their latency). The first --warmup seconds are sent
but left out of the figures. Prints one JSON object.
"""
import argparse
import asyncio
import json
import math
import time


def percentile(ordered, q):
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close"


async def run(args):
    body = args.body.encode()
    head = f"{args.method} {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
    for header in args.header:
        head += header + "\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    request = (head + "\r\n").encode() + body
    idle = []
    slots = asyncio.Semaphore(args.max_connections)
    samples, statuses, errors, lags = [], {}, {}, []
    opened = 0

    async def one(due, measured):
        nonlocal opened
        async with slots:
            try:
                if idle:
                    reader, writer = idle.pop()
                else:
                    reader, writer = await asyncio.open_connection(args.host, args.port)
                    opened += 1
                sent = time.perf_counter()
                writer.write(request)
                status, keep = await read_response(reader)
                done = time.perf_counter()
                if keep:
                    idle.append((reader, writer))
                else:
                    writer.close()
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                if measured:
                    errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                return
        if measured:
            samples.append((done - due) * 1000)
            lags.append((sent - due) * 1000)
            statuses[status] = statuses.get(status, 0) + 1

    total = int(args.rate * (args.warmup + args.duration))
    warm = int(args.rate * args.warmup)
    tasks = []
    t0 = time.perf_counter() + 0.05
    for i in range(total):
        due = t0 + i / args.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due, i >= warm)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    for reader, writer in idle:
        writer.close()
    ordered = sorted(samples)
    lag = sorted(lags)
    r = lambda v: None if v is None else round(v, 2)
    return {
        "target": f"{args.method} http://{args.host}:{args.port}{args.path}", "rate_per_s": args.rate,
        "duration_s": args.duration, "warmup_s": args.warmup, "measured": len(samples),
        "achieved_rate_per_s": round(total / elapsed, 1), "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": errors, "connections_opened": opened,
        "latency_ms": {"p50": r(percentile(ordered, 0.5)), "p90": r(percentile(ordered, 0.9)),
                       "p99": r(percentile(ordered, 0.99)), "p99.9": r(percentile(ordered, 0.999)),
                       "max": r(ordered[-1] if ordered else None), "mean": r(sum(ordered) / len(ordered) if ordered else None)},
        "send_lag_ms": {"p50": r(percentile(lag, 0.5)), "p99": r(percentile(lag, 0.99)), "max": r(lag[-1] if lag else None)},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--method", default="POST")
    parser.add_argument("--path", required=True)
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    parser.add_argument("--body", default="")
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--duration", type=float, default=20, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2, help="seconds sent first and not measured")
    parser.add_argument("--max-connections", type=int, default=256)
    print(json.dumps(asyncio.run(run(parser.parse_args()))))


if __name__ == "__main__":
    main()
PY
fixedrate() { python3 "$tmp/fixedrate.py" "$@"; }
cat > "$tmp/summary.py" <<'PY'
import json, sys
r = json.loads(sys.stdin.read())
lat, lag = r["latency_ms"], r["send_lag_ms"]
print(f"{sys.argv[1]:<24} rate {r['rate_per_s']:>5.0f}/s (achieved {r['achieved_rate_per_s']}/s) n={r['measured']}"
      f"  p50 {lat['p50']} ms  p90 {lat['p90']} ms  p99 {lat['p99']} ms  p99.9 {lat['p99.9']} ms  max {lat['max']} ms"
      f"  statuses {r['statuses']} errors {r['errors'] or 0}  send lag p99 {lag['p99']} ms  connections {r['connections_opened']}")
PY
summary() { python3 "$tmp/summary.py" "$1"; }

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
    echo "  seedgate $(rss "$server_pid"); emulator: $(curl -fsS "http://127.0.0.1:$emulator_port/emulator/stats" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(", ".join(f"{k} {s[k]}" for k in ("creates", "status_reads", "callbacks_delivered", "callbacks_abandoned")))')"
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
  local id status
  id=$(curl -fsS -X POST "http://127.0.0.1:$server_port/v1/jobs" -H 'content-type: application/json' \
    -d '{"model":"seedance-1.5-pro","prompt":"a kitten yawns at the camera","duration":5,"callback_url":"http://127.0.0.1:9/hook"}' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  for _ in $(seq 1 60); do
    status=$(curl -fsS "http://127.0.0.1:$server_port/v1/jobs/$id" | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')
    [ "$status" = succeeded ] && break
    sleep 0.5
  done
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
