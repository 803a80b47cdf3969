"""Phase 1 of a load run: submit every job (retrying with the same Idempotency-Key), counting the 202s."""

from __future__ import annotations

import argparse
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .api import TRANSPORT_ERRORS, Api
from .stack import MODEL, Stack

if TYPE_CHECKING:
    from .crash import CrashDrill

STOP = threading.Event()  # set when the run is interrupted: worker threads give up at once


@dataclass
class Submission:
    """One client-side create: the job it got (or why not), calls made, whether the answer was a replay."""

    index: int
    job_id: str | None = None
    error: str | None = None
    calls: int = 0
    replayed: bool = False
    latency_ms: float | None = None


class Accepted:
    """A thread-safe count of 202s that tells the crash drill."""

    def __init__(self):
        self.lock, self.count = threading.Lock(), 0
        self.drill: CrashDrill | None = None

    def add(self) -> None:
        with self.lock:
            self.count += 1
            count = self.count
        if self.drill is not None:
            self.drill.accepted(count)


def submit_one(api: Api, index: int, run_id: str, callback_url: str, deadline: float, accepted: Accepted) -> Submission:
    """POST /v1/jobs until it is answered; a transport error (the server may be down) or 409/429/5xx is retried
    with the same Idempotency-Key, so a retry can only ever return the job the first call created."""
    result = Submission(index)
    body = {
        "model": MODEL,
        "callback_url": callback_url,
        "metadata": {"load_run": run_id, "index": str(index)},
        "prompt": f"load run {run_id}, job {index}: a paper boat drifts down a rainy street, shot {index}",
    }
    headers = {"Idempotency-Key": f"load-{run_id}-{index}"}
    while True:
        result.calls += 1
        started = time.monotonic()
        try:
            status, response_headers, payload = api.call("POST", "/v1/jobs", body, headers)
        except TRANSPORT_ERRORS as error:
            status, payload, result.error = None, None, f"transport: {type(error).__name__}"
        if status == 202:
            result.job_id, result.error = payload["id"], None
            result.replayed = response_headers.get("idempotent-replayed") == "true"
            result.latency_ms = (time.monotonic() - started) * 1000
            accepted.add()
            return result
        if status is not None:
            result.error = f"HTTP {status} {(payload or {}).get('code', '')}".strip()
        retryable = status is None or status in (409, 429) or status >= 500
        if not retryable or time.monotonic() > deadline or STOP.is_set():
            return result
        time.sleep(0.2)


def submit_all(
    stack: Stack, args: argparse.Namespace, run_id: str, accepted: Accepted, deadline: float
) -> list[Submission]:
    """Submits `args.jobs` jobs from `args.workers` threads; returns one Submission per job, in index order."""
    callback_url = stack.receiver.url
    pool = ThreadPoolExecutor(max_workers=args.workers, thread_name_prefix="submit")
    try:
        futures = [
            pool.submit(submit_one, stack.api, i, run_id, callback_url, deadline, accepted) for i in range(args.jobs)
        ]
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
