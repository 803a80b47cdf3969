"""scripts/load.py's command line: start the stack, run the phases, print the report and the verdict."""

import argparse
import shutil
import signal
import tempfile
import time
from pathlib import Path

from . import log, print_result
from .phases import run_phases
from .render import render
from .report import build_report
from .stack import WEBHOOK_SECRET, Stack
from .submission import STOP
from .webhooks import WebhookSink

DESCRIPTION = "Load test of SeedGate's job lifecycle guarantees, with figures."


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--jobs", type=int, default=1000, help="jobs to submit (default 1000)")
    parser.add_argument("--workers", type=int, default=64, help="concurrent submitters (default 64)")
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds until every job must be terminal (default 300)"
    )
    parser.add_argument("--queue-seconds", type=float, default=1, help="emulated queue time (default 1)")
    parser.add_argument("--run-seconds", type=float, default=3, help="emulated run time (default 3)")
    parser.add_argument("--poll-interval", type=float, default=1, help="seconds between listing passes (default 1)")
    parser.add_argument(
        "--webhook-grace",
        type=float,
        default=90,
        help="seconds to wait for the last webhooks once all jobs are terminal (default 90: more "
        "than SeedGate's 60 s delivery lease, which a crash leaves on the batch it had claimed)",
    )
    parser.add_argument(
        "--crash", action="store_true", help="kill -9 and restart the server once half the jobs are accepted"
    )
    parser.add_argument(
        "--binary", help="seedgate binary (default .build/release/seedgate, else .build/debug/seedgate)"
    )
    parser.add_argument("--log-level", default="warning", help="SEEDGATE_LOG_LEVEL for the server (default warning)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument(
        "--keep-temp", action="store_true", help="keep the temporary directory (config, database, logs)"
    )
    args = parser.parse_args(argv)
    if args.jobs < 1 or args.workers < 1:
        parser.error("--jobs and --workers must be at least 1")
    return args


def _terminate(signum, _frame) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks, which stop the children


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="seedgate-load-"))
    sink, stack, report = WebhookSink(WEBHOOK_SECRET), None, None
    try:
        stack = Stack(args, tmp, sink)
        stack.start()
        setup = time.monotonic() - started
        facts = run_phases(stack, sink, args)
        facts.extra.update(binary=str(stack.binary), setup_s=setup)
        report = build_report(facts)
    except (KeyboardInterrupt, SystemExit):
        log("interrupted; stopping the processes")
        raise
    except Exception as error:
        log(f"ERROR: {error}")
        if stack is not None:
            log(f"seedgate log (last lines):\n{stack.server.tail()}")
    finally:
        STOP.set()
        if stack is not None:
            stack.stop()
            if report is not None and not report["passed"]:
                log(f"seedgate log (last lines):\n{stack.server.tail()}")
        if args.keep_temp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return print_result(report, args.json, render, report is not None and report["passed"])
