#!/usr/bin/env bash
# The client-compatibility suite: the official OpenAI and Volcengine Ark Python SDKs against a live SeedGate
# (embedded mode, and a configuration with routes) and against the Ark emulator. Creates .venv-clients/, installs
# tests/clients/requirements.txt, builds the seedgate binary if it is out of date, runs pytest.
# Usage: ./scripts/test-clients.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-clients
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# Reinstall only when the requirements changed since the last install.
stamp="$venv/.requirements"
if ! cmp -s tests/clients/requirements.txt "$stamp"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/clients/requirements.txt
    cp tests/clients/requirements.txt "$stamp"
fi
# The binary the tests start: SEEDGATE_BINARY if set, else the debug build, brought up to date (a no-op when it is).
if [ -z "${SEEDGATE_BINARY:-}" ]; then
    swift build --product seedgate
fi
exec "$venv/bin/python" -m pytest tests/clients -q "$@"
