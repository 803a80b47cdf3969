"""A load run's phases: submit, wait until every accepted job is terminal (by listing), read everything back
(each job, the webhooks expected and arrived, the emulator's counters and tasks), as Facts for the report."""

import argparse
import http.client
import math
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from . import log
from .api import Api
from .crash import CrashDrill
from .readback import TERMINAL, emulator_state, fetch_jobs, list_jobs, wait_terminal
from .stack import Stack
from .submission import Accepted, Submission, submit_all
from .webhooks import WebhookSink


def expected_events(jobs: dict[str, dict | None]) -> set[tuple[str, str]]:
    """job.queued and the terminal event for every finished job, job.running where SeedGate saw the job running (a
    job first checked after its task finished goes queued -> succeeded, and SeedGate invents no event), and
    job.archived / job.archive_failed where the job's outbox holds one."""
    expected = set()
    for job_id, job in jobs.items():
        if job is None or job["status"] not in TERMINAL:
            continue
        expected.add((job_id, "job.queued"))
        if any(d.get("type") == "job.running" for d in job.get("webhooks", [])):
            expected.add((job_id, "job.running"))
        expected.add((job_id, f"job.{job['status']}"))
        # After a success, the archive's end (job.archived or job.archive_failed), once SeedGate recorded it.
        for archived in ("job.archived", "job.archive_failed"):
            if any(d.get("type") == archived for d in job.get("webhooks", [])):
                expected.add((job_id, archived))
    return expected


def emitted_events(jobs: dict[str, dict | None]) -> set[tuple[str, str]] | None:
    """The (job id, event type) pairs SeedGate recorded in its outbox (the jobs' webhooks[]); None if the jobs
    carry no webhooks[] at all (then nothing can be told apart)."""
    present = [job for job in jobs.values() if job is not None]
    if not any("webhooks" in job for job in present):
        return None
    return {(job["id"], d.get("type")) for job in present for d in job.get("webhooks", [])}


def wait_webhooks(sink: WebhookSink, expected: set[tuple[str, str]], grace: float) -> float:
    """Waits up to `grace` s for every expected event to have arrived; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < grace and not expected <= sink.snapshot().keys():
        time.sleep(0.25)
    return time.monotonic() - started


def diagnose_missing(api: Api, missing: set[tuple[str, str]], limit: int = 10) -> list[str]:
    """For a few missing webhook events, what SeedGate's own record (the job's webhooks[]) says about them."""
    notes = []
    for job_id, event in sorted(missing)[:limit]:
        try:
            _, _, job = api.get(f"/v1/jobs/{job_id}")
        except (OSError, http.client.HTTPException) as error:
            notes.append(f"{job_id} {event}: cannot read the job ({error})")
            continue
        deliveries = [d for d in (job or {}).get("webhooks", []) if d.get("type") == event]
        if not deliveries:
            statuses = "/".join(d.get("type", "?") for d in (job or {}).get("webhooks", []))
            status = job and job.get("status")
            notes.append(f"{job_id} {event}: SeedGate never emitted it (job {status}, events: {statuses})")
        for d in deliveries:
            notes.append(
                f"{job_id} {event}: SeedGate says {d.get('status')} after {d.get('attempts')} attempt(s)"
                f", last {d.get('last_response_status') or d.get('last_error') or '-'}"
            )
    return notes


@dataclass
class Facts:
    """Everything a run observed, for the report."""

    args: argparse.Namespace
    submissions: list[Submission]
    jobs: dict[str, dict | None]
    all_terminal_by_lists: bool
    server_ids: set[str]
    stats: dict
    tasks: dict[str, dict] | None
    webhooks: dict[tuple[str, str], float]
    sink: WebhookSink
    expected: set[tuple[str, str]]
    missing_notes: list[str]
    timings: dict[str, float]
    peak_rss_kb: list[int]
    crash: dict[str, Any] | None = None
    crash_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def run_phases(stack: Stack, sink: WebhookSink, args: argparse.Namespace) -> Facts:
    """Submit, wait, read back; returns what was seen."""
    run_id, t0 = uuid.uuid4().hex[:8], time.monotonic()
    deadline = t0 + args.timeout
    accepted = Accepted()
    drill = None
    if args.crash:
        drill = CrashDrill(stack, max(1, math.ceil(args.jobs / 2)), t0, lambda: accepted.count)
        accepted.drill = drill
    log(f"run {run_id}: submitting {args.jobs} jobs from {args.workers} threads" + (" (with a crash)" if drill else ""))
    submissions = submit_all(stack, args, run_id, accepted, deadline)
    t_submitted = time.monotonic()
    log(f"{accepted.count} of {args.jobs} accepted in {t_submitted - t0:.2f}s")
    if drill:
        drill.finish(timeout=180)
    ids = {s.job_id for s in submissions if s.job_id}
    all_terminal = wait_terminal(stack.api, ids, deadline, args.poll_interval)
    t_terminal = time.monotonic()
    log(
        ("all accepted jobs are terminal" if all_terminal else "DEADLINE: some jobs are not terminal")
        + f" at t={t_terminal - t0:.2f}s; fetching each job"
    )
    jobs = fetch_jobs(stack.api, ids)
    expected, emitted = expected_events(jobs), emitted_events(jobs)
    # a terminal job never emits an event later, so only events SeedGate has recorded are worth waiting for
    waited = wait_webhooks(sink, expected if emitted is None else expected & emitted, args.webhook_grace)
    server_ids = {job["id"] for job in list_jobs(stack.api)}
    stats, tasks = emulator_state(stack.emulator_api)
    stack.note_rss()
    webhooks = sink.snapshot()
    timings = {
        "submit_s": t_submitted - t0,
        "until_terminal_s": t_terminal - t0,
        "webhook_wait_s": waited,
        "wall_s": time.monotonic() - t0,
    }
    facts = Facts(
        args,
        submissions,
        jobs,
        all_terminal,
        server_ids,
        stats,
        tasks,
        webhooks,
        sink,
        expected,
        diagnose_missing(stack.api, expected - webhooks.keys()),
        timings,
        list(stack.peak_rss_kb),
        drill.facts if drill else None,
        drill.error if drill else None,
    )
    facts.extra["emitted"] = emitted
    return facts
