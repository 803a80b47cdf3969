"""The chaos run's clients: creates at a fixed rate through the balancer, each with its own Idempotency-Key and a
`[[ref:…]]` marker in its prompt (the emulators tie every task they make to it), retried like a real client's."""

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .api import TRANSPORT_ERRORS, Api
from .chaos_stack import ROUTES
from .submission import STOP

MODELS = tuple(ROUTES)


@dataclass
class ChaosSubmission:
    """One client job: its reference, what SeedGate answered each call, and the job id of the 2xx (if any)."""

    index: int
    reference: str
    model: str
    job_id: str | None = None
    answers: list[str] = field(default_factory=list)  # "202", "202 replayed", "HTTP 503 …", "transport …"
    replayed: bool = False

    @property
    def lost_answers(self) -> int:
        """Calls whose answer never arrived (the connection failed), which the client therefore retried."""
        return sum(1 for a in self.answers if a.startswith("transport"))


class AcceptedCounter:
    """Thread-safe count of accepted jobs, telling every listener (the crash drills) each new count."""

    def __init__(self, listeners: list[Callable[[int], None]]):
        self.lock, self.count, self.listeners = threading.Lock(), 0, listeners

    def add(self) -> None:
        with self.lock:
            self.count += 1
            count = self.count
        for listener in self.listeners:
            listener(count)


def body_for(run_id: str, index: int) -> tuple[str, dict]:
    reference = f"{run_id}-{index}"
    model = MODELS[index % len(MODELS)]
    body = {
        "model": model,
        "duration": 5,
        "metadata": {"chaos_run": run_id, "index": str(index)},
        "prompt": f"chaos run {run_id}, shot {index}: a paper lantern drifts over a night lake [[ref:{reference}]]",
    }
    return reference, body


def submit_one(api: Api, run_id: str, index: int, deadline: float, accepted: AcceptedCounter) -> ChaosSubmission:
    """POST /v1/jobs until a 2xx; a lost answer (transport error), 409 (the first call still in flight), 429 or 5xx
    is retried with the same Idempotency-Key, with back-off, until `deadline`; any other answer ends it."""
    reference, body = body_for(run_id, index)
    result = ChaosSubmission(index, reference, body["model"])
    headers = {"Idempotency-Key": f"chaos-{reference}"}
    pause = 0.25
    while not STOP.is_set():
        try:
            status, response_headers, payload = api.call("POST", "/v1/jobs", body, headers)
        except TRANSPORT_ERRORS as error:
            status, payload = None, None
            result.answers.append(f"transport {type(error).__name__}")
        if status is not None and 200 <= status < 300:
            result.job_id = payload["id"]
            result.replayed = response_headers.get("idempotent-replayed") == "true"
            result.answers.append(f"{status}" + (" replayed" if result.replayed else ""))
            accepted.add()
            return result
        if status is not None:
            result.answers.append(f"HTTP {status} {(payload or {}).get('code', '')}".strip())
        if status is not None and status not in (409, 429) and status < 500:
            return result
        if time.monotonic() + pause > deadline:
            return result
        time.sleep(pause)
        pause = min(2.0, pause * 2)
    return result


def submit_paced(
    api: Api, run_id: str, jobs: int, rate: float, workers: int, deadline: float, accepted: AcceptedCounter
) -> list[ChaosSubmission]:
    """Job i is sent at start + i/rate (open loop: a slow answer never delays the next job), from `workers`
    threads; returns one ChaosSubmission per job, in index order."""
    start = time.monotonic()

    def paced(index: int) -> ChaosSubmission:
        time.sleep(max(0.0, start + index / rate - time.monotonic()))
        return submit_one(api, run_id, index, deadline, accepted)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chaos-submit")
    try:
        return [future.result() for future in [pool.submit(paced, i) for i in range(jobs)]]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def answer_tally(submissions: list[ChaosSubmission]) -> dict[str, int]:
    """Every answer the clients got, by kind (a 202 replay means an earlier answer was lost or refused)."""
    return dict(sorted(Counter(a for s in submissions for a in s.answers).items()))
