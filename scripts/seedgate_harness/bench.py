"""scripts/bench.sh's helpers, one subcommand each (ports are on 127.0.0.1):

summary LABEL < fixedrate.json     one line of a fixedrate result: rates, latency percentiles, statuses
emulator-counters PORT             the emulator's creates, status reads and callbacks
finished-job PORT                  creates a job on SeedGate, waits for it to succeed, prints its id and status
wait-idle PORT SECONDS             waits until SeedGate has no queued or running job
"""

import argparse
import json
import sys

from . import log
from .api import TRANSPORT_ERRORS, Api
from .readback import UNFINISHED
from .waiting import WaitError, wait_for

BENCH_JOB = {
    "model": "seedance-1.5-pro",
    "prompt": "a kitten yawns at the camera",
    "duration": 5,
    "callback_url": "http://127.0.0.1:9/hook",
}


def summary(label: str, result: dict) -> str:
    lat, lag = result["latency_ms"], result["send_lag_ms"]
    return (
        f"{label:<24} rate {result['rate_per_s']:>5.0f}/s (achieved {result['achieved_rate_per_s']}/s) "
        f"n={result['measured']}  p50 {lat['p50']} ms  p90 {lat['p90']} ms  p99 {lat['p99']} ms  "
        f"p99.9 {lat['p99.9']} ms  max {lat['max']} ms  statuses {result['statuses']} "
        f"errors {result['errors'] or 0}  send lag p99 {lag['p99']} ms  connections {result['connections_opened']}"
    )


def emulator_counters(api: Api) -> str:
    _, _, stats = api.get("/emulator/stats")
    names = ("creates", "status_reads", "callbacks_delivered", "callbacks_abandoned")
    return ", ".join(f"{name} {stats[name]}" for name in names)


def finished_job(api: Api, timeout: float = 30) -> tuple[str, str]:
    """Creates BENCH_JOB and waits (up to `timeout` s) until it succeeded; returns its id and last status."""
    status, _, job = api.call("POST", "/v1/jobs", BENCH_JOB)
    if status != 202:
        raise RuntimeError(f"POST /v1/jobs answered {status}: {job}")
    try:
        job = wait_for(lambda: api.get(f"/v1/jobs/{job['id']}")[2], lambda j: j["status"] == "succeeded", timeout, 0.5)
    except WaitError as error:
        log(str(error), tag="bench")
        job = api.get(f"/v1/jobs/{job['id']}")[2]
    return job["id"], job["status"]


def idle(api: Api) -> bool:
    """True when no job is queued or running (one listing of each, a single entry a page)."""
    return all(not api.get(f"/v1/jobs?status={status}&limit=1")[2]["data"] for status in UNFINISHED)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="scripts/bench.sh's helpers")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("summary").add_argument("label")
    commands.add_parser("emulator-counters").add_argument("port", type=int)
    commands.add_parser("finished-job").add_argument("port", type=int)
    wait_idle = commands.add_parser("wait-idle")
    wait_idle.add_argument("port", type=int)
    wait_idle.add_argument("seconds", type=float)
    args = parser.parse_args(argv)
    if args.command == "summary":
        print(summary(args.label, json.load(sys.stdin)))
        return 0
    api = Api("127.0.0.1", args.port)
    if args.command == "emulator-counters":
        print(emulator_counters(api))
    elif args.command == "finished-job":
        print(*finished_job(api))
    else:
        try:
            wait_for(lambda: idle(api), timeout=args.seconds, interval=1, what="idle", tolerate=TRANSPORT_ERRORS)
        except WaitError:
            log(f"jobs still unfinished after {args.seconds:.0f} s", tag="bench")
    return 0


if __name__ == "__main__":
    sys.exit(main())
