"""scripts/chaos.sh's command line: start the stack, load it while the fault schedule runs and replicas are killed,
drain, read the emulators' books back, print the report.

    PYTHONPATH=scripts python3 -m seedgate_harness.chaos_cli --postgres-url postgres://… [--jobs 400 --rate 4]
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

from . import log, print_result
from .chaos_books import job_figures, read_books, upstream_figures
from .chaos_clients import AcceptedCounter, answer_tally, submit_paced
from .chaos_faults import SCHEDULE, FaultSchedule, injected
from .chaos_logs import scan
from .chaos_report import render, verdict
from .chaos_stack import ChaosStack
from .crash import CrashDrill
from .readback import fetch_jobs, list_jobs, wait_terminal
from .submission import STOP

SCHEDULE_SPAN = max(step[0] for step in SCHEDULE) + 10  # seconds the fault schedule is written for


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Chaos run of SeedGate: faults at every provider, replicas killed.")
    p.add_argument("--jobs", type=int, default=400, help="jobs to create (default 400)")
    p.add_argument("--rate", type=float, default=4, help="creates per second (default 4)")
    p.add_argument("--workers", type=int, default=48, help="client threads (default 48)")
    p.add_argument("--replicas", type=int, default=2, help="SeedGate replicas (default 2)")
    p.add_argument("--kills", type=int, default=2, help="SIGKILLs, spread over the load, one replica after another")
    p.add_argument("--postgres-url", default=os.environ.get("POSTGRES_URL"), help="server for a fresh database")
    p.add_argument("--binary", help="seedgate binary of the replicas (default: as scripts/load.py)")
    p.add_argument("--emulator-binary", help="seedgate binary of the emulators (default: --binary)")
    p.add_argument("--unconfirmed-window", type=float, default=60, help="SEEDGATE_UNCONFIRMED_WINDOW (default 60)")
    p.add_argument("--provider-timeout", type=float, default=3, help="providers' timeout_seconds (default 3)")
    p.add_argument("--queue-seconds", type=float, default=2, help="emulated queue time (default 2)")
    p.add_argument("--run-seconds", type=float, default=15, help="emulated run time (default 15)")
    p.add_argument(
        "--drain", type=float, help="seconds after the last create for every job to end (default window+120)"
    )
    p.add_argument("--log-level", default="info", help="replicas' SEEDGATE_LOG_LEVEL (default info)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--keep-temp", action="store_true", help="keep the temporary directory (config, logs)")
    args = p.parse_args(argv)
    if not args.postgres_url:
        p.error("--postgres-url (or POSTGRES_URL) is required: scripts/chaos.sh starts a throwaway server")
    if args.jobs < 1 or args.rate <= 0 or args.replicas < 1 or args.kills < 0:
        p.error("--jobs, --rate and --replicas must be positive")
    if args.drain is None:
        args.drain = args.unconfirmed_window + 120
    return args


def run(stack: ChaosStack, args: argparse.Namespace) -> dict:
    run_id = uuid.uuid4().hex[:6]
    t0 = time.monotonic()
    submit_span = args.jobs / args.rate
    drills: list[CrashDrill] = []
    counter = AcceptedCounter([])
    for k in range(args.kills):
        threshold = max(1, round(args.jobs * (k + 1) / (args.kills + 1)))
        drill = CrashDrill(stack.handles[k % len(stack.handles)], threshold, t0, lambda: counter.count)
        drills.append(drill)
        counter.listeners.append(drill.accepted)
    faults = FaultSchedule(stack.emulator_apis, scale=max(0.2, submit_span / SCHEDULE_SPAN))
    faults.start(t0)
    log(f"run {run_id}: {args.jobs} jobs at {args.rate}/s (~{submit_span:.0f} s), {args.kills} kills", "chaos")
    submissions = submit_paced(stack.api, run_id, args.jobs, args.rate, args.workers, t0 + submit_span + 120, counter)
    t_submitted = time.monotonic()
    for drill in drills:
        drill.finish(timeout=180)
    faults.finish()
    ids = {s.job_id for s in submissions if s.job_id}
    log(f"{len(ids)} of {args.jobs} accepted in {t_submitted - t0:.1f}s; draining (up to {args.drain:.0f} s)", "chaos")
    wait_terminal(stack.api, ids, time.monotonic() + args.drain, 2)
    t_drained = time.monotonic()
    jobs = fetch_jobs(stack.api, ids)
    server_ids = {job["id"] for job in list_jobs(stack.api)}
    books = read_books(stack.emulator_apis)
    report = {
        "config": {k: getattr(args, k) for k in ("jobs", "rate", "replicas", "kills", "unconfirmed_window")}
        | {k: getattr(args, k) for k in ("provider_timeout", "queue_seconds", "run_seconds")}
        | {"binary": str(stack.binary), "emulator_binary": str(stack.emulator_binary), "run_id": run_id},
        "jobs": job_figures(submissions, jobs),
        "upstream": upstream_figures(submissions, jobs, books),
        "answers": answer_tally(submissions),
        "unrequested_jobs": len(server_ids - ids),
        "injected": injected(stack.emulator_apis),
        "faults_refused": faults.refused,
        "kills": [kill_line(d) for d in drills],
        "drill_errors": [d.error for d in drills if d.error],
        "balancer": stack.balancer.stats(),
        "circuits": stack.circuit_states(),
        "timing": {
            "submit_s": round(t_submitted - t0, 1),
            "drain_s": round(t_drained - t_submitted, 1),
            "total_s": round(time.monotonic() - t0, 1),
        },
    }
    interesting = set(report["jobs"]["lost_ids"]) | set(report["upstream"]["orphan_jobs"][:5])
    interesting |= {w.split()[0] for w in report["upstream"]["wrong_task"]}
    report["logs"] = scan([r.log_path for r in stack.replicas], interesting)
    report["failures"] = verdict(report)
    return report


def kill_line(drill: CrashDrill) -> str:
    f = drill.facts
    if not f:
        return f"never happened ({drill.error})"
    return (
        f"kill -9 pid {f.get('killed_pid')} at t={f.get('killed_at_s')} s after {f.get('accepted_at_kill')} accepted "
        f"(upstream creates then: {f.get('upstream_creates_at_kill') or 'n/a'}); pid {f.get('restarted_pid')} ready "
        f"{f.get('downtime_s')} s later"
    )


def _terminate(signum, _frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    tmp = Path(tempfile.mkdtemp(prefix="seedgate-chaos-"))
    stack, report = None, None
    try:
        stack = ChaosStack(args, tmp)
        stack.start()
        report = run(stack, args)
    except Exception as error:
        log(f"ERROR: {error}", "chaos")
        if stack is not None:
            for replica in stack.replicas:
                log(f"{replica.name} log (last lines):\n{replica.tail()}", "chaos")
    finally:
        STOP.set()
        if stack is not None:
            stack.stop()
        if args.keep_temp or (report is not None and report["failures"]):
            log(f"kept {tmp} (config, replica and emulator logs)", "chaos")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return print_result(report, args.json, render, report is not None and not report["failures"])


if __name__ == "__main__":
    sys.exit(main())
