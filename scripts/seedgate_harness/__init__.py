"""Test and benchmark harness shared by scripts/load.py, scripts/bench.sh and tests/clients.

Shared pieces: `processes` (start `seedgate serve` / `seedgate emulate` with `--port 0 --port-file` and wait until
they listen), `api` (a small JSON client), `waiting` (polling), `figures` (percentiles, distributions),
`webhooks` (a Standard Webhooks receiver), `fixedrate` and `bench` (bench.sh's generator and helpers).
The load test itself: `stack`, `submission`, `phases`, `crash`, `report`, `render`, `cli`. The chaos run
(scripts/chaos.sh): `chaos_*`.

Standard library only (Python 3.11). Run a module's command line with `PYTHONPATH=scripts python3 -m
seedgate_harness.<module>`.
"""

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def log(message: str, tag: str = "load") -> None:
    """Progress goes to standard error so that standard output holds only the report."""
    print(f"[{tag} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def print_result(report: dict | None, as_json: bool, render, passed: bool) -> int:
    """Prints a run's report (JSON or `render`ed text) and returns the exit status: 0 only when it `passed`."""
    if report is None:
        print("RESULT: FAIL (the run did not complete)")
        return 1
    print(json.dumps(report, indent=2) if as_json else render(report))
    return 0 if passed else 1
