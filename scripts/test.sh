#!/usr/bin/env bash
# The test command: builds everything and runs every test suite (unit, contract replay, store on in-memory, SQLite
# and PostgreSQL, end to end over loopback HTTP), a 20-job load smoke run, the client SDK tests and the API fuzzer.
# Usage: ./scripts/test.sh [extra swift test arguments]
#
# S3: with SEEDGATE_TEST_S3_ENDPOINT (and _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY) set, that server is used;
# otherwise scripts/s3-test-server.sh starts moto with signature checking on, and stops it afterwards.
#
# PostgreSQL: with POSTGRES_URL already set, that server is used. Otherwise a throwaway server is started with
# scripts/postgres-test-server.sh (installing PostgreSQL if root and it is missing) and always stopped afterwards.
# If it cannot be started, CI (CI=true) fails here; elsewhere the PostgreSQL store tests are reported as skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

is_ci() {
    case "${CI:-}" in true | TRUE | True | 1 | yes) return 0 ;; *) return 1 ;; esac
}

started_state=""
s3_state=""
stop_servers() {
    if [ -n "$started_state" ]; then
        scripts/postgres-test-server.sh stop "$started_state" || true
        started_state=""
    fi
    if [ -n "$s3_state" ]; then
        scripts/s3-test-server.sh stop "$s3_state" || true
        s3_state=""
    fi
}
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "${POSTGRES_URL:-}" ]; then
    echo "test.sh: using the PostgreSQL server in POSTGRES_URL" >&2
elif exports=$(scripts/postgres-test-server.sh start); then
    eval "$exports"
    started_state=$SEEDGATE_PG_STATE
elif is_ci; then
    echo "test.sh: error: could not start PostgreSQL for the store tests (CI=$CI); failing" >&2
    exit 1
else
    echo "test.sh: warning: could not start PostgreSQL; the PostgreSQL store tests will be skipped" >&2
fi

# S3: a moto server (PyPI, in .venv-s3) with signature checking on, for the S3 media store and the archive flow.
if [ -n "${SEEDGATE_TEST_S3_ENDPOINT:-}" ]; then
    echo "test.sh: using the S3 server in SEEDGATE_TEST_S3_ENDPOINT" >&2
elif exports=$(scripts/s3-test-server.sh start); then
    eval "$exports"
    s3_state=$SEEDGATE_S3_STATE
elif is_ci; then
    echo "test.sh: error: could not start the S3 test server (CI=$CI); failing" >&2
    exit 1
else
    echo "test.sh: warning: could not start the S3 test server; the S3 tests will be skipped" >&2
fi

# The SigV4 vectors the Swift signer is tested against are botocore's: regenerate them and compare.
if [ -x .venv-s3/bin/python ]; then
    vectors=$(mktemp)
    .venv-s3/bin/python scripts/sigv4_vectors.py --output "$vectors" >/dev/null
    if ! cmp -s "$vectors" Tests/SeedGateRuntimeTests/Fixtures/sigv4-vectors.json; then
        echo "test.sh: error: Tests/SeedGateRuntimeTests/Fixtures/sigv4-vectors.json differs from what botocore computes" >&2
        rm -f "$vectors"
        exit 1
    fi
    rm -f "$vectors"
fi

swift test "$@"
# A 20-job load smoke run on the debug binary swift test just built: fails (non-zero) unless load.py's verdict is a
# pass (no lost job, no duplicate upstream create, every expected webhook, every submission accepted).
python3 scripts/load.py --jobs 20 --binary .build/debug/seedgate --timeout 60 --webhook-grace 20
scripts/test-clients.sh   # the official OpenAI and Ark SDKs against the compatibility facades (tests/clients)
scripts/fuzz.sh          # schemathesis: generated requests against openapi/seedgate.yaml on a live server
