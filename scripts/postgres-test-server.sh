#!/usr/bin/env bash
# A throwaway PostgreSQL for tests: trust auth, loopback only, fsync off, data in a fresh temp directory.
#
#   eval "$(scripts/postgres-test-server.sh start)"   # prints `export POSTGRES_URL=…` and `export SEEDGATE_PG_STATE=…`
#   swift test
#   scripts/postgres-test-server.sh stop [state-file] # stops it and removes its directory
#
# Only the export lines go to stdout; progress and errors go to stderr. `stop` finds the server from its argument,
# else $SEEDGATE_PG_STATE, else the last one started from this machine. Runs as root (initdb then runs as the
# `postgres` user, and PostgreSQL is installed with apt-get if missing) or as an ordinary user who owns a
# PostgreSQL installation. Environment: PGPORT (first port to try, default 55432), PGBIN (server binaries).
set -euo pipefail

LAST_STATE="${TMPDIR:-/tmp}/seedgate-postgres-test.last"
DATABASE=gateway_test
ROLE=gateway

log() { echo "postgres-test-server: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Runs a PostgreSQL binary as the `postgres` user when we are root (initdb and postgres refuse root).
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_pgbin() {
    if [ -n "${PGBIN:-}" ] && [ -x "$PGBIN/initdb" ]; then echo "$PGBIN"; return; fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

ensure_pgbin() {
    local bin
    bin=$(find_pgbin)
    if [ -z "$bin" ]; then
        [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and only root can install it (apt-get install postgresql)"
        command -v apt-get >/dev/null || die "PostgreSQL is not installed and apt-get is not available"
        log "installing PostgreSQL with apt-get"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2 \
            || die "apt-get install postgresql failed"
        bin=$(find_pgbin)
        [ -n "$bin" ] || die "PostgreSQL installed but no /usr/lib/postgresql/*/bin/initdb found"
    fi
    if [ "$(id -u)" = 0 ]; then id postgres >/dev/null 2>&1 || die "the 'postgres' user does not exist"; fi
    echo "$bin"
}

# Where the server's directory goes: $TMPDIR, unless the `postgres` user cannot reach it (e.g. under /root).
temp_root() {
    local root=${TMPDIR:-/tmp}
    if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root" 2>/dev/null; then root=/tmp; fi
    echo "$root"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
    local pgbin base data port attempt last_failure=""
    pgbin=$(ensure_pgbin)
    base=$(mktemp -d "$(temp_root)/seedgate-pg.XXXXXX")
    data="$base/data"
    mkdir -m 700 "$data"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$data"; chmod 755 "$base"; fi
    if ! as_owner "$pgbin/initdb" -D "$data" -U "$ROLE" --auth=trust -E UTF8 --no-sync >"$base/initdb.log" 2>&1; then
        cat "$base/initdb.log" >&2
        rm -rf "$base"
        die "initdb failed"
    fi
    port=${PGPORT:-55432}
    for attempt in $(seq 1 50); do
        if ! port_in_use "$port"; then
            if as_owner "$pgbin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 -o "-p $port -k $data \
                -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                -c max_connections=300" start >/dev/null 2>&1; then
                break
            fi
            # Lost a race for the port (or another failure): keep why, then try the next port.
            last_failure=$(tail -3 "$data/server.log" 2>/dev/null || true)
        fi
        port=$((port + 1))
        if [ "$attempt" = 50 ]; then
            [ -z "$last_failure" ] || echo "$last_failure" >&2
            rm -rf "$base"
            die "could not start PostgreSQL on any port from ${PGPORT:-55432}"
        fi
    done
    cat >"$base/state" <<EOF
PGBIN=$pgbin
PGDATA=$data
PGBASE=$base
PGPORT=$port
EOF
    echo "$base/state" >"$LAST_STATE"
    if ! as_owner "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U "$ROLE" "$DATABASE"; then
        stop "$base/state"
        die "createdb failed"
    fi
    log "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $data"
    echo "export POSTGRES_URL=postgres://$ROLE@127.0.0.1:$port/$DATABASE"
    echo "export SEEDGATE_PG_STATE=$base/state"
}

stop() {
    local state=${1:-${SEEDGATE_PG_STATE:-}}
    if [ -z "$state" ] && [ -f "$LAST_STATE" ]; then state=$(cat "$LAST_STATE"); fi
    [ -n "$state" ] || die "nothing to stop (no state file given, SEEDGATE_PG_STATE unset, no server started)"
    [ -f "$state" ] || { log "no server at $state (already stopped?)"; return 0; }
    local PGBIN PGDATA PGBASE PGPORT
    # shellcheck disable=SC1090
    source "$state"
    if [ -f "$PGDATA/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null || log "pg_ctl stop failed"
    fi
    case "$PGBASE" in
        */seedgate-pg.*) [ "$PGBASE/state" -ef "$state" ] && rm -rf "$PGBASE" ;;
        *) die "refusing to remove unexpected directory $PGBASE" ;;
    esac
    if [ -f "$LAST_STATE" ] && [ "$(cat "$LAST_STATE")" = "$state" ]; then rm -f "$LAST_STATE"; fi
    log "stopped PostgreSQL on port $PGPORT and removed $PGBASE"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start | stop [state-file]" >&2; exit 2 ;;
esac
