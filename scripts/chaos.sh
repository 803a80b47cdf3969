#!/usr/bin/env bash
# Chaos run of SeedGate: figures to read, not a test (never run in CI). BENCHMARKS.md holds the results.
#
#   ./scripts/chaos.sh [--jobs 400] [--rate 4] [--binary PATH] [--emulator-binary PATH] [--unconfirmed-window 60] …
#
# Starts a throwaway PostgreSQL (scripts/postgres-test-server.sh; or uses $POSTGRES_URL when set, in a fresh
# database), one emulator per provider (`seedgate emulate`), two SeedGate replicas on that database behind a
# loopback balancer (clients and provider callbacks go through it), then creates jobs at a fixed rate over three
# models routed across all five providers while the emulators inject faults on a schedule (429 bursts, 5xx on
# creates and reads, creates and reads that stall past the timeout, connections reset after the task was made,
# gateway 504 pages, lost and duplicated callbacks) and replicas are killed with SIGKILL and restarted, twice.
# It drains, then sets the emulators' own books (every task each made, and the [[ref:…]] marker its create
# carried: /emulator/references) against the jobs and prints: accepted, succeeded, failed by error code, lost,
# duplicate creates, orphaned paid tasks per provider, recovered orphans; exit 1 if anything was lost or created
# twice. ~6 minutes with the defaults. Every option is passed on to seedgate_harness.chaos_cli (--help lists them).
#
# The emulators must record task references (`seedgate emulate` built from this tree); an older binary still runs,
# with duplicates counted as n/a. Needs python3 (3.11) and psql; installs PostgreSQL only as postgres-test-server.sh
# does. The code is scripts/seedgate_harness/chaos_*.py beside the load harness it reuses.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${CI:-}" = true ]; then
  echo "chaos.sh: chaos runs are not run in CI" >&2
  exit 0
fi
for tool in python3 psql; do
  command -v "$tool" >/dev/null 2>&1 || { echo "chaos.sh: $tool is missing" >&2; exit 1; }
done

started_pg=""
cleanup() {
  local status=$?
  if [ -n "$started_pg" ]; then scripts/postgres-test-server.sh stop "$started_pg" || true; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${POSTGRES_URL:-}" ]; then
  eval "$(scripts/postgres-test-server.sh start)"
  started_pg=$SEEDGATE_PG_STATE
fi

echo "== machine"
echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), memory $(free -g | awk '/^Mem:/ {print $2}') GiB"
echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r); $(python3 --version 2>&1); $(psql --version)"
echo "seedgate: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo ' (with uncommitted changes)')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== chaos"
PYTHONPATH="$root/scripts" python3 -m seedgate_harness.chaos_cli "$@"
