"""The chaos run's report: the figures as a plain table, per provider, the faults and kills, what looked wrong, and
the verdict (RESULT: PASS only with nothing lost, no duplicate create and no job tracking another job's task)."""

from typing import Any


def counts(values: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in values.items()) if values else "none"


def verdict(report: dict[str, Any]) -> list[str]:
    jobs, up = report["jobs"], report["upstream"]
    reasons = []
    if jobs["lost"]:
        reasons.append(f"{jobs['lost']} accepted job(s) lost: {list(jobs['lost_ids'].items())[:10]}")
    if jobs["never_accepted"]:
        reasons.append(f"{len(jobs['never_accepted'])} job(s) never accepted: {jobs['never_accepted'][:5]}")
    if up["duplicate_creates"]:
        reasons.append(
            f"{up['duplicate_creates']} duplicate upstream create(s): {list(up['duplicate_jobs'].items())[:5]}"
        )
    if up["wrong_task"]:
        reasons.append(f"{len(up['wrong_task'])} job(s) track a task another job's create made: {up['wrong_task'][:5]}")
    if report["unrequested_jobs"]:
        reasons.append(f"{report['unrequested_jobs']} job(s) on the server that no 2xx announced")
    if up["tasks_unknown_to_emulators"]:
        reasons.append(f"jobs track tasks no emulator made: {up['tasks_unknown_to_emulators'][:5]}")
    reasons += report["drill_errors"]
    return reasons


def render(report: dict[str, Any]) -> str:
    c, j, u = report["config"], report["jobs"], report["upstream"]
    dup = "n/a (emulators record no references)" if u["duplicate_creates"] is None else u["duplicate_creates"]
    unknown = j["unknown_outcome_jobs"]
    rows = [
        (
            "run",
            f"{c['jobs']} jobs at {c['rate']}/s over 3 models and 5 providers, {c['replicas']} replicas on PostgreSQL "
            f"behind a balancer, {c['kills']} SIGKILLs, provider timeout {c['provider_timeout']} s, unconfirmed "
            f"window {c['unconfirmed_window']} s, tasks {c['queue_seconds']} s queued + {c['run_seconds']} s running",
        ),
        ("accepted (2xx)", f"{j['accepted']} of {j['submitted']}  (client answers: {counts(report['answers'])})"),
        ("succeeded", str(j["succeeded"])),
        ("failed, by error code", f"{j['failed']}  ({counts(j['failed_by_code'])})"),
        ("cancelled / expired", str(j["cancelled_or_expired"])),
        ("LOST (must be 0)", f"{j['lost']}" + (f"  {counts(j['lost_ids'])}" if j["lost"] else "")),
        ("DUPLICATE CREATES (must be 0)", str(dup)),
        ("jobs tracking another's task (0)", str(len(u["wrong_task"]))),
        ("upstream tasks made", f"{u['tasks']}  (tracked by a job {u['tasks'] - u['orphaned']})"),
        ("ORPHANED PAID TASKS", f"{u['orphaned']}  ({per_provider_orphans(u)})"),
        (
            "create answers lost (unknown)",
            f"{unknown} jobs  ({counts(j['unknown_by_provider'])})",
        ),
        (
            "RECOVERED ORPHANS",
            f"{j['recovered_orphans']} of those {unknown} tracked their task after all  "
            f"({counts(j['recovered_by_provider'])})",
        ),
    ]
    lines = table(rows)
    lines += ["", "per provider:"]
    lines += table(
        [("provider", "tasks  tracked  orphaned (why)  |  creates tried  status reads  callbacks ok/abandoned")]
        + [
            (
                provider,
                f"{p['tasks']:5}  {p['tracked']:7}  {p['orphaned']:8} ({counts(p['orphaned_why'])})  |  "
                f"{p['create_attempts']}  {p['status_reads']}  {p['callbacks_delivered']}/{p['callbacks_abandoned']}",
            )
            for provider, p in u["per_provider"].items()
        ],
        indent="  ",
    )
    lines += ["", "faults injected (the emulators' own tally):"]
    lines += table([(p, counts(t)) for p, t in report["injected"].items()], indent="  ")
    lines += ["", "kills:"] + [f"  {kill}" for kill in report["kills"]]
    lines.append(f"balancer: {counts(report['balancer'])}")
    lines.append("circuits after the drain (0 closed, 1 half-open, 2 open):")
    lines += [f"  {name}: {counts(states)}" for name, states in report["circuits"].items()]
    lines.append("SeedGate's answers (its request log):")
    lines += [f"  {n:6}  {answer}" for answer, n in report["logs"]["answers"].items()]
    lines.append(f"replica log lines: {counts(report['logs']['levels'])}")
    for row in report["logs"]["serious"][:12]:
        lines.append(f"  {row['count']:5}x {row['kind']}")
    notes = suspicious(report)
    if notes:
        lines += ["", "look at:"] + [f"  ! {note}" for note in notes]
    t = report["timing"]
    lines.append(f"\nwall time: submit {t['submit_s']} s, drain {t['drain_s']} s, total {t['total_s']} s")
    failures = report["failures"]
    lines.append("RESULT: " + ("PASS" if not failures else "FAIL\n" + "\n".join(f"  - {r}" for r in failures)))
    return "\n".join(lines)


def per_provider_orphans(u: dict) -> str:
    return ", ".join(f"{provider} {p['orphaned']}" for provider, p in u["per_provider"].items())


def suspicious(report: dict[str, Any]) -> list[str]:
    """Details worth a look, with job ids and the replicas' log lines naming them."""
    notes, naming = [], report["logs"]["naming"]
    for job_id, why in list(report["jobs"]["lost_ids"].items())[:10]:
        notes.append(f"lost {job_id} ({why})")
        notes += [f"    {line}" for line in naming.get(job_id, [])]
    for ref, tasks in list(report["upstream"]["duplicate_jobs"].items())[:10]:
        notes.append(f"duplicate: reference {ref} is on {', '.join(tasks)}")
    notes += [f"wrong task: {w}" for w in report["upstream"]["wrong_task"][:10]]
    five = {a: n for a, n in report["logs"]["answers"].items() if a.rsplit(" ", 1)[-1].startswith("5")}
    if five:
        notes.append(f"SeedGate answered 5xx: {counts(five)}")
    notes += [f"orphan {o}" for o in report["upstream"]["orphans"][:20]]
    for job_id in report["upstream"]["orphan_jobs"][:5]:
        notes += [f"    {line}" for line in naming.get(job_id, [])]
    return notes


def table(rows: list[tuple[str, str]], indent: str = "") -> list[str]:
    width = max((len(name) for name, _ in rows), default=0)
    return [f"{indent}{name.ljust(width)}  {value}" for name, value in rows]
