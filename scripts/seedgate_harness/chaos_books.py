"""The chaos run's figures, from the emulators' own books (every task each made, and the `[[ref:…]]` its create
carried) set against the jobs SeedGate shows: lost jobs, duplicate creates, orphaned paid tasks, recovered orphans."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .api import TRANSPORT_ERRORS, Api
from .chaos_clients import ChaosSubmission
from .readback import TERMINAL


@dataclass
class Book:
    """One emulator's books: its tasks, its counters, and (when it records them) each task's reference."""

    provider: str
    tasks: list[dict]
    stats: dict
    references: dict[str, str] | None


def read_books(apis: dict[str, Api]) -> dict[str, Book]:
    books = {}
    for provider, api in apis.items():
        _, _, tasks = api.get("/emulator/tasks")
        _, _, stats = api.get("/emulator/stats")
        try:
            status, _, refs = api.get("/emulator/references")
        except TRANSPORT_ERRORS:
            status, refs = None, None
        references = {t["id"]: t["reference"] for t in refs["tasks"]} if status == 200 and refs.get("record") else None
        books[provider] = Book(provider, tasks["tasks"], stats, references)
    return books


def outcomes(job: dict) -> list[str]:
    return [a.get("outcome", "?") for a in job.get("attempts", [])]


def task_of(job: dict | None) -> tuple[str, str] | None:
    """(provider, upstream task id) the job tracks, if any."""
    task_id = ((job or {}).get("upstream") or {}).get("task_id")
    return (job.get("provider"), task_id) if task_id else None


def recovered(job: dict) -> bool:
    """A create whose answer was lost (an `unknown` attempt) that the job tracks anyway (an `accepted` after it)."""
    seen = outcomes(job)
    return "unknown" in seen and "accepted" in seen[seen.index("unknown") :] and task_of(job) is not None


def job_figures(submissions: list[ChaosSubmission], jobs: dict[str, dict | None]) -> dict[str, Any]:
    accepted = {s.job_id for s in submissions if s.job_id}
    present = {i: job for i, job in jobs.items() if job is not None}
    failed = Counter((job.get("error") or {}).get("code", "?") for job in present.values() if job["status"] == "failed")
    lost = {i: ("404" if jobs.get(i) is None else jobs[i]["status"]) for i in accepted}
    lost = {i: why for i, why in lost.items() if why not in TERMINAL}
    unknown = [job for job in present.values() if "unknown" in outcomes(job)]
    return {
        "submitted": len(submissions),
        "accepted": len(accepted),
        "never_accepted": [f"#{s.index}: {s.answers[-1] if s.answers else '-'}" for s in submissions if not s.job_id],
        "succeeded": sum(1 for job in present.values() if job["status"] == "succeeded"),
        "failed": sum(failed.values()),
        "failed_by_code": dict(sorted(failed.items())),
        "cancelled_or_expired": sum(1 for job in present.values() if job["status"] in ("cancelled", "expired")),
        "lost": len(lost),
        "lost_ids": dict(sorted(lost.items())),
        "unknown_outcome_jobs": len(unknown),
        "recovered_orphans": sum(1 for job in unknown if recovered(job)),
        "recovered_ids": sorted(job["id"] for job in unknown if recovered(job)),
        "unknown_by_provider": dict(sorted(Counter(unknown_provider(job) for job in unknown).items())),
        "recovered_by_provider": dict(
            sorted(Counter(unknown_provider(job) for job in unknown if recovered(job)).items())
        ),
    }


def unknown_provider(job: dict) -> str:
    return next((a.get("provider", "?") for a in job.get("attempts", []) if a.get("outcome") == "unknown"), "?")


def upstream_figures(
    submissions: list[ChaosSubmission], jobs: dict[str, dict | None], books: dict[str, Book]
) -> dict[str, Any]:
    """Per provider: tasks made, tracked, orphaned (why, by reference); across providers: duplicate creates (a
    reference on more than one task) and jobs tracking a task another job's create made."""
    by_ref = {s.reference: s for s in submissions}
    tracked = {task_of(job) for job in jobs.values() if task_of(job)}
    tied = all(book.references is not None for book in books.values())
    tasks_by_ref: dict[str, list[tuple[str, str]]] = {}
    per_provider, orphans_listed, orphan_jobs = {}, [], []
    for provider, book in books.items():
        orphans = [t["id"] for t in book.tasks if (provider, t["id"]) not in tracked]
        why = Counter()
        for task_id in orphans:
            reason, job_id = orphan_reason(provider, task_id, book, by_ref, jobs)
            why[reason] += 1
            orphans_listed.append(f"{provider} {task_id}: {reason}" + (f" ({job_id})" if job_id else ""))
            if job_id:
                orphan_jobs.append(job_id)
        for task_id, ref in (book.references or {}).items():
            tasks_by_ref.setdefault(ref, []).append((provider, task_id))
        per_provider[provider] = {
            "tasks": len(book.tasks),
            "tracked": sum(1 for t in book.tasks if (provider, t["id"]) in tracked),
            "orphaned": len(orphans),
            "orphaned_why": dict(sorted(why.items())),
            "create_attempts": book.stats.get("create_attempts"),
            "status_reads": book.stats.get("status_reads"),
            "callbacks_delivered": book.stats.get("callbacks_delivered"),
            "callbacks_abandoned": book.stats.get("callbacks_abandoned"),
            "max_creates_per_task": book.stats.get("max_creates_per_task"),
        }
    duplicates = {ref: tasks for ref, tasks in tasks_by_ref.items() if len(tasks) > 1}
    wrong, ref_of_job = [], {s.job_id: s.reference for s in submissions if s.job_id}
    for job in jobs.values():
        task = task_of(job)
        if tied and task:
            ref = books[task[0]].references.get(task[1]) if task[0] in books else None
            if ref != ref_of_job.get(job["id"]):
                wrong.append(f"{job['id']} tracks {task[0]} {task[1]} whose create carried {ref or 'no reference'}")
    made = {(provider, t["id"]) for provider, book in books.items() for t in book.tasks}
    untracked_refs = [ref for ref, tasks in tasks_by_ref.items() if ref not in by_ref]
    return {
        "tied": tied,
        "per_provider": per_provider,
        "tasks": sum(p["tasks"] for p in per_provider.values()),
        "orphaned": sum(p["orphaned"] for p in per_provider.values()),
        "orphans": orphans_listed,
        "orphan_jobs": orphan_jobs,
        "duplicate_creates": sum(len(t) - 1 for t in duplicates.values()) if tied else None,
        "duplicate_jobs": {ref: [f"{p} {i}" for p, i in t] for ref, t in sorted(duplicates.items())},
        "wrong_task": wrong,
        "foreign_references": untracked_refs,
        "tasks_unknown_to_emulators": sorted(f"{p} {i}" for p, i in tracked - made),
    }


def orphan_reason(
    provider: str, task_id: str, book: Book, by_ref: dict[str, ChaosSubmission], jobs: dict[str, dict | None]
) -> tuple[str, str | None]:
    """Why no job tracks this task, as far as the books tell, and the job its create came from (if known)."""
    if book.references is None:
        return "untied (the emulator records no references)", None
    ref = book.references.get(task_id)
    submission = by_ref.get(ref) if ref else None
    if submission is None:
        return "no reference of this run", None
    if not submission.job_id:
        return "its client never got a job", None
    job = jobs.get(submission.job_id)
    if job is None:
        return "its job is gone (404)", submission.job_id
    if task_of(job):
        return "duplicate: its job tracks another task", job["id"]
    code = (job.get("error") or {}).get("code") or job["status"]
    lost = "unknown" in outcomes(job)
    return (f"create answer lost, job {code}" if lost else f"job {code}, no unknown attempt"), job["id"]
