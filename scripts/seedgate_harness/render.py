"""The load report as a plain two-column table, ending with the RESULT line."""

from typing import Any


def fmt_dist(d: Any, unit: str = "ms") -> str:
    if not isinstance(d, dict):
        return str(d)
    if not d["n"]:
        return "n/a (no samples)"
    return f"p50 {d['p50']} {unit}   p95 {d['p95']} {unit}   max {d['max']} {unit}   (n={d['n']})"


def fmt_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) if counts else "none"


def render(report: dict[str, Any]) -> str:
    """The report as a plain two-column table."""
    j, u, w, t, c = report["jobs"], report["upstream"], report["webhooks"], report["timing"], report["config"]
    never_emitted = "n/a" if w["missing_never_emitted"] is None else w["missing_never_emitted"]
    rows: list[tuple[str, str]] = [
        (
            "run",
            f"{c['jobs']} jobs, {c['workers']} submitters, emulator queue {c['queue_seconds']} s + run "
            f"{c['run_seconds']} s{', with a crash' if c['crash'] else ''}",
        ),
        (
            "jobs submitted / accepted (202)",
            f"{j['submitted']} / {j['accepted']}  ({j['create_calls']} POSTs, {j['replayed']} idempotent replays)",
        ),
        ("submit failures", fmt_counts(j["submit_failures"])),
        ("jobs terminal", str(j["terminal"])),
        ("  succeeded", str(j["succeeded"])),
        ("  failed (by error code)", f"{j['failed']}  ({fmt_counts(j['failed_by_code'])})"),
        ("  cancelled / expired", f"{j['other_terminal']['cancelled']} / {j['other_terminal']['expired']}"),
        ("jobs LOST (must be 0)", f"{j['lost']}  (missing on the server: {j['missing']})"),
        ("jobs on server no 202 announced", str(j["unrequested_jobs_on_server"])),
        (
            "upstream creates / attempts",
            f"{u['creates']} / {u['create_attempts']}  (distinct tasks on jobs "
            f"{u['distinct_tasks_on_jobs']}, untracked {u['untracked_tasks']})",
        ),
        ("submit_outcome_unknown jobs", str(u["submit_outcome_unknown"])),
        ("duplicate upstream creates (0)", str(u["duplicate_creates"])),
        ("max_creates_per_task (1)", str(u["max_creates_per_task"])),
        ("upstream completion -> finished_at", fmt_dist(u["completion_lag_ms"])),
        ("upstream created -> SeedGate recorded", fmt_dist(u.get("create_to_recorded_ms", "n/a"))),
        (
            "upstream status calls / completed",
            f"{u['status_reads_per_completed_job']}  ({u['status_reads']} reads, {u['completed_upstream']} jobs)",
        ),
        ("webhook job.succeeded latency", fmt_dist(w["succeeded_latency_ms"])),
        ("  job.queued (from created_at)", fmt_dist(w["queued_latency_ms"])),
        ("  job.running (from started_at)", fmt_dist(w["running_latency_ms"])),
        (
            "webhook events received / expected",
            f"{w['received']} / {w['expected']}  (missing {w['missing']}: "
            f"{fmt_counts(w['missing_by_type'])}; never emitted by SeedGate "
            f"{never_emitted})",
        ),
        (
            "webhook arrivals",
            f"{w['arrivals']}  (redelivered {w['redelivered']}, unexpected {w['unexpected']}, "
            f"bad signatures {w['bad_signatures']}, unreadable {w['unreadable']})",
        ),
        ("create call (POST /v1/jobs)", fmt_dist(t["create_call_ms"])),
        ("dispatch delay (created -> accepted)", fmt_dist(t["dispatch_delay_ms"])),
        ("succeeded end to end", fmt_dist(t["succeeded_end_to_end_ms"])),
        ("server peak RSS (VmHWM)", " then ".join(f"{mb} MB" for mb in t["peak_rss_mb"]) or "n/a"),
        (
            "wall time",
            "  ".join(f"{k.removesuffix('_s')} {v} s" for k, v in t["phases_s"].items())
            + f"  (submit rate {t['submit_rate_per_s']}/s)",
        ),
    ]
    if report["crash"]:
        k = report["crash"]
        rows.append(
            (
                "crash",
                f"kill -9 pid {k.get('killed_pid')} at t={k.get('killed_at_s')} s after "
                f"{k.get('accepted_at_kill')} accepted, {k.get('upstream_creates_at_kill') or 'n/a'} "
                f"created upstream; pid {k.get('restarted_pid')} ready at "
                f"t={k.get('ready_at_s')} s (down {k.get('downtime_s')} s)",
            )
        )
    width = max(len(name) for name, _ in rows)
    lines = [f"{name.ljust(width)}  {value}" for name, value in rows]
    lines += [f"  ! {note}" for note in w["missing_notes"]]
    lines.append(
        "RESULT: " + ("PASS" if report["passed"] else "FAIL\n" + "\n".join(f"  - {r}" for r in report["failures"]))
    )
    return "\n".join(lines)
