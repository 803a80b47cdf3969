"""Reading state back from SeedGate (listings, each job) and from the emulator (counters, tasks)."""

import http.client
import time
from concurrent.futures import ThreadPoolExecutor

from . import log
from .api import TRANSPORT_ERRORS, Api

TERMINAL = {"succeeded", "failed", "cancelled", "expired"}
UNFINISHED = ("queued", "running")


def list_jobs(api: Api, status: str | None = None) -> list[dict]:
    """Every job (optionally of one status), newest first, 100 a page."""
    jobs, cursor = [], None
    while True:
        query = "limit=100" + (f"&status={status}" if status else "") + (f"&cursor={cursor}" if cursor else "")
        code, _, page = api.get(f"/v1/jobs?{query}")
        if code != 200:
            raise http.client.HTTPException(f"GET /v1/jobs?{query}: HTTP {code}")
        jobs.extend(page["data"])
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            return jobs


def unfinished_ids(api: Api) -> dict[str, str]:
    """Ids of queued, then running jobs. Listing queued first is what makes this safe: a job can only move
    queued -> running -> terminal, and keyset paging skips nothing, so a job unfinished throughout is seen."""
    found: dict[str, str] = {}
    for status in UNFINISHED:
        for job in list_jobs(api, status):
            found.setdefault(job["id"], status)
    return found


def wait_terminal(api: Api, accepted: set[str], deadline: float, interval: float) -> bool:
    """One listing pass every `interval` s until no accepted job is unfinished (True) or the deadline (False)."""
    last_note = 0.0
    while True:
        started = time.monotonic()
        try:
            open_jobs = {i: s for i, s in unfinished_ids(api).items() if i in accepted}
        except TRANSPORT_ERRORS as error:
            log(f"listing failed ({error}); trying again")
            open_jobs = None
        if open_jobs is not None:
            if not open_jobs:
                return True
            if started - last_note >= 5:
                counts = {s: sum(1 for v in open_jobs.values() if v == s) for s in UNFINISHED}
                log(
                    f"waiting: {counts['queued']} queued, {counts['running']} running, "
                    f"{len(accepted) - len(open_jobs)} of {len(accepted)} terminal"
                )
                last_note = started
        if time.monotonic() >= deadline:
            return False
        time.sleep(max(0.0, interval - (time.monotonic() - started)))


def fetch_jobs(api: Api, ids: set[str]) -> dict[str, dict | None]:
    """GET every job once (None for a 404); transport errors are retried a few times."""

    def fetch(job_id: str) -> dict | None:
        for attempt in range(5):
            try:
                code, _, job = api.get(f"/v1/jobs/{job_id}")
            except (OSError, http.client.HTTPException):
                time.sleep(0.5 * (attempt + 1))
                continue
            if code == 404:
                return None
            if code == 200:
                return job
            time.sleep(0.5 * (attempt + 1))
        raise RuntimeError(f"GET /v1/jobs/{job_id} kept failing")

    ordered = sorted(ids)
    with ThreadPoolExecutor(max_workers=16, thread_name_prefix="fetch") as pool:
        return dict(zip(ordered, pool.map(fetch, ordered), strict=True))


def emulator_state(api: Api) -> tuple[dict, dict[str, dict] | None]:
    """The emulator's counters, and its tasks by id (None when it has no /emulator/tasks)."""
    code, _, stats = api.get("/emulator/stats")
    if code != 200:
        raise RuntimeError(f"GET /emulator/stats: HTTP {code}")
    code, _, body = api.get("/emulator/tasks")
    if code != 200:
        return stats, None
    return stats, {task["id"]: task for task in body["tasks"]}
