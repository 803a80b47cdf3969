"""The figures of a load run, and its verdict."""

from typing import Any

from .figures import distribution, parse_time
from .phases import Facts
from .readback import TERMINAL


def job_figures(f: Facts) -> dict[str, Any]:
    """Submitted / accepted / terminal / succeeded / failed by code / lost, and jobs the client never asked for."""
    accepted = [s for s in f.submissions if s.job_id]
    submit_errors: dict[str, int] = {}
    for s in f.submissions:
        if not s.job_id:
            submit_errors[s.error or "?"] = submit_errors.get(s.error or "?", 0) + 1
    present = [job for job in f.jobs.values() if job is not None]
    terminal = [job for job in present if job["status"] in TERMINAL]
    failed_by_code: dict[str, int] = {}
    for job in terminal:
        if job["status"] == "failed":
            code = (job.get("error") or {}).get("code", "?")
            failed_by_code[code] = failed_by_code.get(code, 0) + 1
    lost = sorted(i for i, job in f.jobs.items() if job is None or job["status"] not in TERMINAL)
    return {
        "submitted": len(f.submissions),
        "accepted": len(accepted),
        "submit_failures": submit_errors,
        "create_calls": sum(s.calls for s in f.submissions),
        "replayed": sum(1 for s in accepted if s.replayed),
        "terminal": len(terminal),
        "succeeded": sum(1 for job in terminal if job["status"] == "succeeded"),
        "failed": sum(failed_by_code.values()),
        "failed_by_code": failed_by_code,
        "other_terminal": {st: sum(1 for j in terminal if j["status"] == st) for st in ("cancelled", "expired")},
        "lost": len(lost),
        "lost_ids": lost[:20],
        "missing": sum(1 for job in f.jobs.values() if job is None),
        "unrequested_jobs_on_server": len(f.server_ids - set(f.jobs)),
    }


def upstream_figures(f: Facts) -> dict[str, Any]:
    """Creates vs the distinct tasks SeedGate's jobs reference, status calls, and upstream-completion lag."""
    present = [job for job in f.jobs.values() if job is not None]
    referenced = {job["upstream"]["task_id"] for job in present if (job.get("upstream") or {}).get("task_id")}
    unknown = [job for job in present if (job.get("error") or {}).get("code") == "submit_outcome_unknown"]
    unknown_untracked = sum(1 for job in unknown if not (job.get("upstream") or {}).get("task_id"))
    creates = f.stats.get("creates", 0)
    untracked = creates - len(referenced)
    completed = sum(1 for job in present if job["status"] in TERMINAL and (job.get("upstream") or {}).get("task_id"))
    figures = {
        "creates": creates,
        "create_attempts": f.stats.get("create_attempts"),
        "emulator_tasks": f.stats.get("tasks"),
        "distinct_tasks_on_jobs": len(referenced),
        "untracked_tasks": untracked,
        "submit_outcome_unknown": len(unknown),
        "duplicate_creates": max(0, untracked - unknown_untracked),
        "max_creates_per_task": f.stats.get("max_creates_per_task"),
        "status_reads": f.stats.get("status_reads"),
        "completed_upstream": completed,
        "status_reads_per_completed_job": round(f.stats.get("status_reads", 0) / completed, 2) if completed else None,
    }
    if f.tasks is None:
        figures["completion_lag_ms"] = "n/a (emulator has no /emulator/tasks)"
        return figures
    lags, windows = [], []
    for job in present:
        task = f.tasks.get((job.get("upstream") or {}).get("task_id", ""))
        finished = parse_time(job.get("finished_at"))
        if task and task.get("finished_at_ms") is not None and finished is not None:
            lags.append(finished * 1000 - task["finished_at_ms"])
        accepted = [parse_time(a.get("at")) for a in job.get("attempts", []) if a.get("outcome") == "accepted"]
        if task and task.get("created_at_ms") is not None and accepted:
            windows.append(accepted[-1] * 1000 - task["created_at_ms"])
    figures["completion_lag_ms"] = distribution(lags)
    # while a task exists upstream but SeedGate has not recorded it, a crash turns it into an untracked task
    figures["create_to_recorded_ms"] = distribution(windows)
    figures["tasks_unknown_to_emulator"] = len(referenced - f.tasks.keys())
    return figures


def webhook_figures(f: Facts) -> dict[str, Any]:
    """Events expected vs received, first-arrival latency of job.succeeded, redeliveries and bad signatures."""
    missing = f.expected - f.webhooks.keys()
    by_type: dict[str, int] = {}
    for _, event in missing:
        by_type[event] = by_type.get(event, 0) + 1
    # first arrival minus the moment the event happened: created_at, started_at, finished_at
    latencies: dict[str, list[float]] = {"job.queued": [], "job.running": [], "job.succeeded": []}
    stamps = {"job.queued": "created_at", "job.running": "started_at", "job.succeeded": "finished_at"}
    for job_id, job in f.jobs.items():
        for event, samples in latencies.items():
            arrived, happened = f.webhooks.get((job_id, event)), parse_time((job or {}).get(stamps[event]))
            if arrived is not None and happened is not None:
                samples.append((arrived - happened) * 1000)
    received_expected = len(f.expected & f.webhooks.keys())
    emitted = f.extra.get("emitted")
    never_emitted = None if emitted is None else len(missing - emitted)
    return {
        "expected": len(f.expected),
        "received": received_expected,
        "missing": len(missing),
        "missing_by_type": by_type,
        "missing_never_emitted": never_emitted,
        "missing_notes": f.missing_notes,
        "unexpected": len(f.webhooks.keys() - f.expected),
        "arrivals": f.sink.arrivals,
        "redelivered": f.sink.redelivered,
        "bad_signatures": f.sink.bad_signatures,
        "unreadable": f.sink.unreadable,
        "succeeded_latency_ms": distribution(latencies["job.succeeded"]),
        "queued_latency_ms": distribution(latencies["job.queued"]),
        "running_latency_ms": distribution(latencies["job.running"]),
    }


def timing_figures(f: Facts) -> dict[str, Any]:
    """Create-call latency, dispatch delay (created -> accepted upstream), end to end, phases, peak RSS."""
    dispatch, end_to_end = [], []
    for job in f.jobs.values():
        if job is None:
            continue
        created = parse_time(job.get("created_at"))
        accepted_at = [parse_time(a.get("at")) for a in job.get("attempts", []) if a.get("outcome") == "accepted"]
        if accepted_at and created is not None:
            dispatch.append((accepted_at[-1] - created) * 1000)
        finished = parse_time(job.get("finished_at"))
        if job["status"] == "succeeded" and finished is not None and created is not None:
            end_to_end.append((finished - created) * 1000)
    calls = [s.latency_ms for s in f.submissions if s.latency_ms is not None]
    return {
        "create_call_ms": distribution(calls),
        "dispatch_delay_ms": distribution(dispatch),
        "succeeded_end_to_end_ms": distribution(end_to_end),
        "phases_s": {k: round(v, 2) for k, v in f.timings.items()},
        "peak_rss_mb": [round(kb / 1024, 1) for kb in f.peak_rss_kb],
        "submit_rate_per_s": round(len(calls) / f.timings["submit_s"], 1) if f.timings["submit_s"] > 0 else None,
    }


def verdict(report: dict[str, Any]) -> list[str]:
    """Why the run failed (empty: it passed)."""
    jobs, up, hooks = report["jobs"], report["upstream"], report["webhooks"]
    reasons = []
    if jobs["lost"]:
        reasons.append(
            f"{jobs['lost']} accepted job(s) lost (not terminal by the deadline, or missing): {jobs['lost_ids'][:5]}"
        )
    if jobs["accepted"] < jobs["submitted"]:
        reasons.append(
            f"{jobs['submitted'] - jobs['accepted']} submission(s) never accepted: {jobs['submit_failures']}"
        )
    if up["duplicate_creates"]:
        reasons.append(f"{up['duplicate_creates']} duplicate upstream create(s)")
    if (up["max_creates_per_task"] or 0) > 1:
        reasons.append(f"max_creates_per_task is {up['max_creates_per_task']} (a request was created upstream twice)")
    if hooks["missing"]:
        reasons.append(f"{hooks['missing']} expected webhook event(s) never arrived: {hooks['missing_by_type']}")
    if hooks["bad_signatures"]:
        reasons.append(f"{hooks['bad_signatures']} webhook(s) with a bad signature")
    if jobs["unrequested_jobs_on_server"]:
        reasons.append(f"{jobs['unrequested_jobs_on_server']} job(s) on the server that no 202 announced")
    if report.get("crash_error"):
        reasons.append(report["crash_error"])
    return reasons


def build_report(f: Facts) -> dict[str, Any]:
    report = {
        "config": {
            "jobs": f.args.jobs,
            "workers": f.args.workers,
            "queue_seconds": f.args.queue_seconds,
            "run_seconds": f.args.run_seconds,
            "crash": f.args.crash,
            "binary": f.extra.get("binary"),
        },
        "jobs": job_figures(f),
        "upstream": upstream_figures(f),
        "webhooks": webhook_figures(f),
        "timing": timing_figures(f),
        "crash": f.crash,
        "crash_error": f.crash_error,
    }
    report["timing"]["phases_s"]["setup_s"] = round(f.extra.get("setup_s", 0), 2)
    report["failures"] = verdict(report)
    report["passed"] = not report["failures"]
    return report
