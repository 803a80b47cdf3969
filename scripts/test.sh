#!/usr/bin/env bash
# The test command: builds everything and runs every test suite (unit, contract replay, store, end to end over
# loopback HTTP). Usage: ./scripts/test.sh [extra swift test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift test "$@"
