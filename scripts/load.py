#!/usr/bin/env python3
"""Load test of SeedGate's job lifecycle guarantees, with figures.

What it does
------------
It starts, on loopback and on free ports, three things of its own:

* a Volcengine Ark emulator (`seedgate emulate --provider volcengine-ark`),
* a webhook receiver (an `http.server` thread that answers 204, checks the Standard Webhooks
  signature and records when each (job id, event type) first arrived),
* SeedGate itself (`seedgate serve --config <temporary yaml>`) on a temporary SQLite file, routed to the
  emulator with its rate and concurrency limits raised so that the load is not throttled.

It then submits N jobs at once (each with its own prompt, an Idempotency-Key and a `callback_url` pointing at
the receiver; connection failures are retried with the same key), waits until every accepted job is terminal
by listing the unfinished jobs (`GET /v1/jobs?status=queued|running`, one pass a second), fetches every job
once, waits up to `--webhook-grace` (90 s: more than SeedGate's 60 s webhook delivery lease) for the webhook
events SeedGate has recorded but not yet delivered, and reads the emulator's counters and `/emulator/tasks`.

What it measures
----------------
* jobs submitted / accepted (202) / terminal / succeeded / failed by error code / lost (accepted but not
  terminal by the deadline, or missing) -- lost must be 0;
* upstream creates: duplicate creates (emulator creates minus the distinct upstream tasks SeedGate's jobs
  reference, less the tasks a `submit_outcome_unknown` job may have left behind) and the emulator's
  `max_creates_per_task` (creates sharing one request fingerprint) -- must be 0 and 1;
* lag from upstream completion (emulator `finished_at_ms`, matched by `upstream.task_id`) to SeedGate's
  `finished_at`, p50/p95/max ("n/a" if the emulator has no `/emulator/tasks`), and the window between a task's
  creation upstream and SeedGate recording it (a crash inside that window leaves an untracked task);
* upstream status calls per completed job (emulator `status_reads` / completed jobs);
* webhook first-attempt latency of `job.succeeded` (receive time - job `finished_at`), p50/p95/max;
* webhook events received vs expected (queued, running where SeedGate saw it, succeeded per succeeded job; queued and the
  terminal event per other terminal job), naming the missing ones and whether SeedGate ever emitted them;
  first-arrival latency of job.queued and job.running too; redeliveries and bad signatures;
* dispatch delay (created -> accepted upstream), create-call latency, the server's peak RSS (VmHWM), wall time.

With `--crash`, the server is killed with SIGKILL once half the jobs are accepted (aimed, within 2 s, at a
moment the emulator sees creates arriving, so the dispatcher has creates in flight), restarted on the same
database and port, and the run goes on; the same guarantees are checked. Submitters retry with the same
Idempotency-Key meanwhile. Jobs whose create call the kill interrupted may end `failed` with
`submit_outcome_unknown` (they are counted; SeedGate settles them about 20 s later), but never cause a second
create.

Exit status: 0 only if nothing is lost, no create was duplicated and every expected webhook event arrived at
least once (and every submission was accepted); otherwise 1, with the reasons.

Run it from anywhere (Python 3.11, standard library only):

    python3 scripts/load.py --jobs 1000
    python3 scripts/load.py --jobs 1000 --crash --json

The binary defaults to .build/release/seedgate, else .build/debug/seedgate (built with
`swift build --product seedgate` if neither exists); `--binary PATH` picks another.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROVIDER = "volcengine-ark"
MODEL = "seedance-1.5-pro"
EMULATOR_KEY = "emulator-key"
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
TERMINAL = {"succeeded", "failed", "cancelled", "expired"}
STOP = threading.Event()  # set when the run is interrupted: worker threads give up at once
UNFINISHED = ("queued", "running")


def log(message: str) -> None:
    """Progress goes to standard error so that standard output holds only the report."""
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    """A port the kernel says is free now (bind :0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_time(text: str | None) -> float | None:
    """RFC 3339 (e.g. 2025-11-21T10:00:00.123Z) to unix seconds."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def distribution(values: list[float]) -> dict[str, Any]:
    """Count, p50, p95 and max of `values` (rounded to whole units), or n=0."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {"n": len(ordered), "p50": round(statistics.median(ordered)), "p95": round(p95), "max": round(ordered[-1])}


# --------------------------------------------------------------------------------------------------------------
# HTTP client


class Api:
    """A tiny JSON client for one base URL; one connection per call (cheap on loopback, robust across a crash)."""

    def __init__(self, host: str, port: int, timeout: float = 30):
        self.host, self.port, self.timeout = host, port, timeout

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None):
        """Returns (status, response headers, decoded JSON or None). Raises OSError/HTTPException on transport errors."""
        payload = json.dumps(body).encode() if body is not None else None
        sent = {"Accept": "application/json", **(headers or {})}
        if payload is not None:
            sent["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=payload, headers=sent)
            response = conn.getresponse()
            data = response.read()
            parsed = json.loads(data) if data else None
            return response.status, {k.lower(): v for k, v in response.getheaders()}, parsed
        finally:
            conn.close()

    def get(self, path: str):
        return self.call("GET", path)


def wait_until(check, timeout: float, what: str, child: "Child | None" = None) -> None:
    """Calls `check()` every 100 ms until it returns true; fails if `child` exits or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and not child.alive():
            raise RuntimeError(f"{child.name} exited (status {child.proc.returncode}) before {what}:\n{child.tail()}")
        try:
            if check():
                return
        except (OSError, http.client.HTTPException, ValueError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}" + (f":\n{child.tail()}" if child else ""))


# --------------------------------------------------------------------------------------------------------------
# Child processes


class Child:
    """A child process with its output in a log file; can be started again with the same command."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path):
        self.name, self.argv, self.env, self.log_path = name, argv, env, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                self.argv, env=self.env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def peak_rss_kb(self) -> int | None:
        """VmHWM (peak resident set) of the running process, in kB."""
        if not self.alive():
            return None
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def kill9(self) -> None:
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self, grace: float = 5) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds."""
        if not self.alive():
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(f"    {line}" for line in text[-lines:])


def find_binary(explicit: str | None) -> Path:
    """--binary, else the release build, else the debug build (built now if missing)."""
    if explicit:
        return Path(explicit).resolve()
    release, debug = REPO / ".build" / "release" / "seedgate", REPO / ".build" / "debug" / "seedgate"
    if release.exists():
        if debug.exists() and debug.stat().st_mtime > release.stat().st_mtime:
            log("note: the release binary is older than the debug one (use --binary to pick)")
        return release
    if debug.exists():
        return debug
    log("no seedgate binary; running swift build --product seedgate")
    subprocess.run(["swift", "build", "--product", "seedgate"], cwd=REPO, check=True)
    return REPO / ".build" / "debug" / "seedgate"


def child_environment(extra: dict[str, str]) -> dict[str, str]:
    """The caller's environment without SEEDGATE_* settings (they would override the file), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEEDGATE_")}
    env.update(extra)
    return env


def server_config(tmp: Path, port: int, emulator_port: int) -> Path:
    """Writes the server's YAML file (JSON strings are valid YAML scalars)."""
    text = f"""\
server: {{host: 127.0.0.1, port: {port}}}
store: {{kind: sqlite, path: {json.dumps(str(tmp / 'seedgate.sqlite'))}}}
catalog_dir: {json.dumps(str(REPO / 'Providers'))}
providers:
  {PROVIDER}:
    base_url: http://127.0.0.1:{emulator_port}
    credentials: {{api_key: LOAD_ARK_KEY}}
    timeout_seconds: 10
    rpm: 100000
    concurrency: 100000
routing:
  default: [{PROVIDER}]
"""
    path = tmp / "seedgate.yaml"
    path.write_text(text)
    return path


# --------------------------------------------------------------------------------------------------------------
# Webhook receiver


class WebhookSink:
    """What the receiver saw: first arrival per (job id, event type), redeliveries, bad signatures."""

    def __init__(self, secret: str):
        self.key = base64.b64decode(secret.removeprefix("whsec_"))
        self.lock = threading.Lock()
        self.first_seen: dict[tuple[str, str], float] = {}
        self.arrivals = 0
        self.redelivered = 0
        self.bad_signatures = 0
        self.unreadable = 0
        self.message_ids: set[str] = set()

    def signature_ok(self, headers, body: bytes) -> bool:
        """Standard Webhooks v1: base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))."""
        msg_id, stamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
        digest = hmac.new(self.key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
        expected = base64.b64encode(digest).decode()
        offered = [s.split(",", 1)[1] for s in headers.get("webhook-signature", "").split() if s.startswith("v1,")]
        return any(hmac.compare_digest(expected, s) for s in offered)

    def record(self, headers, body: bytes, received: float) -> None:
        good = self.signature_ok(headers, body)
        try:
            event = json.loads(body)
            key = (event["data"]["id"], event["type"])
        except (ValueError, KeyError, TypeError):
            key = None
        with self.lock:
            self.arrivals += 1
            self.bad_signatures += 0 if good else 1
            msg_id = headers.get("webhook-id", "")
            self.redelivered += 1 if msg_id in self.message_ids else 0
            self.message_ids.add(msg_id)
            if key is None:
                self.unreadable += 1
            elif key not in self.first_seen:
                self.first_seen[key] = received

    def snapshot(self) -> dict[tuple[str, str], float]:
        with self.lock:
            return dict(self.first_seen)


class _HookHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as SeedGate's HTTP client pools connections

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self._read_body()
        received = time.time()
        self.server.sink.record(self.headers, body, received)
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while (size := int(self.rfile.readline().split(b";")[0], 16)) > 0:
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def log_message(self, *args) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    """Connections SeedGate drops (e.g. when --crash kills it) are expected: no traceback for those."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class WebhookReceiver:
    """ThreadingHTTPServer on a free loopback port, serving in a daemon thread."""

    def __init__(self, sink: WebhookSink):
        self.httpd = _QuietServer(("127.0.0.1", 0), _HookHandler)
        self.httpd.sink = sink
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/seedgate"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="webhooks", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --------------------------------------------------------------------------------------------------------------
# The processes under test


class Stack:
    """The emulator, the webhook receiver and SeedGate, all on loopback; `stop()` always cleans up."""

    def __init__(self, args: argparse.Namespace, tmp: Path, sink: WebhookSink):
        self.binary = find_binary(args.binary)
        self.tmp = tmp
        self.emulator_port, self.server_port = free_port(), free_port()
        self.receiver = WebhookReceiver(sink)
        self.emulator = Child("emulator", [
            str(self.binary), "emulate", "--provider", PROVIDER, "--port", str(self.emulator_port),
            "--api-key", EMULATOR_KEY, "--queue-seconds", str(args.queue_seconds), "--run-seconds", str(args.run_seconds),
        ], child_environment({}), tmp / "emulator.log")
        config = server_config(tmp, self.server_port, self.emulator_port)
        env = child_environment({
            "LOAD_ARK_KEY": EMULATOR_KEY, "SEEDGATE_WEBHOOK_SECRET": WEBHOOK_SECRET, "SEEDGATE_LOG_LEVEL": args.log_level,
        })
        self.server = Child("seedgate", [str(self.binary), "serve", "--config", str(config)], env, tmp / "seedgate.log")
        self.api = Api("127.0.0.1", self.server_port)
        self.emulator_api = Api("127.0.0.1", self.emulator_port)
        self.peak_rss_kb: list[int] = []  # one per server process, filled as each one ends

    def start(self) -> None:
        log(f"binary {self.binary}")
        self.receiver.start()
        self.emulator.start()
        wait_until(lambda: self.emulator_api.get("/emulator/stats")[0] == 200, 60, "the emulator", self.emulator)
        self.start_server()
        log(f"emulator :{self.emulator_port}, seedgate :{self.server_port} (pid {self.server.proc.pid}), "
            f"webhooks {self.receiver.url}, files in {self.tmp}")

    def start_server(self) -> None:
        self.server.start()
        wait_until(lambda: self.api.get("/readyz")[0] == 200, 120, "seedgate /readyz", self.server)

    def kill_server(self) -> None:
        """SIGKILL, after noting the process's peak RSS."""
        self.note_rss()
        self.server.kill9()

    def note_rss(self) -> None:
        rss = self.server.peak_rss_kb()
        if rss is not None:
            self.peak_rss_kb.append(rss)

    def stop(self) -> None:
        for child in (self.server, self.emulator):
            try:
                child.stop()
            except OSError as error:
                log(f"stopping {child.name}: {error}")
        try:
            self.receiver.stop()
        except OSError:
            pass


class CrashDrill:
    """With --crash: once `threshold` jobs are accepted (and, within 2 s, as soon as the emulator sees creates
    arriving, so the dispatcher is mid-burst), SIGKILL the server and start it again on the same database and
    port, from a thread of its own while the submitters keep going (and retry)."""

    def __init__(self, stack: Stack, threshold: int, t0: float, accepted_count):
        self.stack, self.threshold, self.t0, self.accepted_count = stack, threshold, t0, accepted_count
        self.trigger = threading.Event()
        self.done = threading.Event()
        self.facts: dict[str, Any] = {}
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name="crash", daemon=True)
        self.thread.start()

    def accepted(self, count: int) -> None:
        if count >= self.threshold:
            self.trigger.set()

    def _await_dispatch_burst(self, limit: float = 2.0) -> int | None:
        """Waits (up to `limit` s) until the emulator's create counter moves, so that the kill lands while the
        dispatcher has creates in flight; returns the counter then (None if it never moved)."""
        deadline, last = time.monotonic() + limit, None
        while time.monotonic() < deadline:
            try:
                creates = self.stack.emulator_api.get("/emulator/stats")[2]["creates"]
            except (OSError, http.client.HTTPException, KeyError, TypeError):
                creates = None
            if last is not None and creates is not None and creates > last:
                return creates
            last = creates if creates is not None else last
            time.sleep(0.005)
        return None

    def _run(self) -> None:
        self.trigger.wait()
        if self.done.is_set():
            return
        try:
            self.facts["upstream_creates_at_kill"] = self._await_dispatch_burst()
            old_pid = self.stack.server.proc.pid
            accepted = self.accepted_count()
            self.stack.kill_server()
            killed = time.monotonic() - self.t0
            log(f"CRASH: kill -9 seedgate (pid {old_pid}) at t={killed:.2f}s, after {accepted} jobs accepted "
                f"and {self.facts['upstream_creates_at_kill'] or 'n/a'} upstream creates")
            self.stack.start_server()
            ready = time.monotonic() - self.t0
            log(f"RESTART: seedgate (pid {self.stack.server.proc.pid}) ready at t={ready:.2f}s "
                f"({ready - killed:.2f}s after the kill)")
            self.facts.update(
                accepted_at_kill=accepted, killed_pid=old_pid, killed_at_s=round(killed, 2),
                restarted_pid=self.stack.server.proc.pid, ready_at_s=round(ready, 2), downtime_s=round(ready - killed, 2),
            )
        except Exception as error:  # reported, and the run fails
            self.error = f"crash drill failed: {error}"
        finally:
            self.done.set()

    def finish(self, timeout: float) -> None:
        """Waits for a triggered drill to complete; an untriggered one is called off."""
        if self.trigger.is_set():
            self.done.wait(timeout)
        else:
            self.done.set()
            self.trigger.set()
            self.error = f"the crash never happened: fewer than {self.threshold} jobs were accepted"


# --------------------------------------------------------------------------------------------------------------
# Phase 1: submit


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
        "model": MODEL, "callback_url": callback_url, "metadata": {"load_run": run_id, "index": str(index)},
        "prompt": f"load run {run_id}, job {index}: a paper boat drifts down a rainy street, shot {index}",
    }
    headers = {"Idempotency-Key": f"load-{run_id}-{index}"}
    while True:
        result.calls += 1
        started = time.monotonic()
        try:
            status, response_headers, payload = api.call("POST", "/v1/jobs", body, headers)
        except (OSError, http.client.HTTPException, ValueError) as error:
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


def submit_all(stack: Stack, args: argparse.Namespace, run_id: str, accepted: Accepted, deadline: float) -> list[Submission]:
    """Submits `args.jobs` jobs from `args.workers` threads; returns one Submission per job, in index order."""
    callback_url = stack.receiver.url
    pool = ThreadPoolExecutor(max_workers=args.workers, thread_name_prefix="submit")
    try:
        futures = [pool.submit(submit_one, stack.api, i, run_id, callback_url, deadline, accepted) for i in range(args.jobs)]
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


# --------------------------------------------------------------------------------------------------------------
# Phase 2: wait, by listing


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
        except (OSError, http.client.HTTPException, ValueError) as error:
            log(f"listing failed ({error}); trying again")
            open_jobs = None
        if open_jobs is not None:
            if not open_jobs:
                return True
            if started - last_note >= 5:
                counts = {s: sum(1 for v in open_jobs.values() if v == s) for s in UNFINISHED}
                log(f"waiting: {counts['queued']} queued, {counts['running']} running, "
                    f"{len(accepted) - len(open_jobs)} of {len(accepted)} terminal")
                last_note = started
        if time.monotonic() >= deadline:
            return False
        time.sleep(max(0.0, interval - (time.monotonic() - started)))


def expected_events(jobs: dict[str, dict | None]) -> set[tuple[str, str]]:
    """job.queued and the terminal event for every finished job, and job.running where SeedGate saw the job
    running (a job first checked after its task finished goes queued -> succeeded, and SeedGate invents no event)."""
    expected = set()
    for job_id, job in jobs.items():
        if job is None or job["status"] not in TERMINAL:
            continue
        expected.add((job_id, "job.queued"))
        if any(d.get("type") == "job.running" for d in job.get("webhooks", [])):
            expected.add((job_id, "job.running"))
        expected.add((job_id, f"job.{job['status']}"))
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


# --------------------------------------------------------------------------------------------------------------
# Phase 3: read back


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
        return dict(zip(ordered, pool.map(fetch, ordered)))


def emulator_state(api: Api) -> tuple[dict, dict[str, dict] | None]:
    """The emulator's counters, and its tasks by id (None when it has no /emulator/tasks)."""
    code, _, stats = api.get("/emulator/stats")
    if code != 200:
        raise RuntimeError(f"GET /emulator/stats: HTTP {code}")
    code, _, body = api.get("/emulator/tasks")
    if code != 200:
        return stats, None
    return stats, {task["id"]: task for task in body["tasks"]}


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
            notes.append(f"{job_id} {event}: SeedGate says {d.get('status')} after {d.get('attempts')} attempt(s)"
                         f", last {d.get('last_response_status') or d.get('last_error') or '-'}")
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
    log(("all accepted jobs are terminal" if all_terminal else "DEADLINE: some jobs are not terminal")
        + f" at t={t_terminal - t0:.2f}s; fetching each job")
    jobs = fetch_jobs(stack.api, ids)
    expected, emitted = expected_events(jobs), emitted_events(jobs)
    # a terminal job never emits an event later, so only events SeedGate has recorded are worth waiting for
    waited = wait_webhooks(sink, expected if emitted is None else expected & emitted, args.webhook_grace)
    server_ids = {job["id"] for job in list_jobs(stack.api)}
    stats, tasks = emulator_state(stack.emulator_api)
    stack.note_rss()
    webhooks = sink.snapshot()
    timings = {"submit_s": t_submitted - t0, "until_terminal_s": t_terminal - t0, "webhook_wait_s": waited,
               "wall_s": time.monotonic() - t0}
    facts = Facts(args, submissions, jobs, all_terminal, server_ids, stats, tasks, webhooks, sink, expected,
                  diagnose_missing(stack.api, expected - webhooks.keys()), timings, list(stack.peak_rss_kb),
                  drill.facts if drill else None, drill.error if drill else None)
    facts.extra["emitted"] = emitted
    return facts


# --------------------------------------------------------------------------------------------------------------
# Report


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
        "submitted": len(f.submissions), "accepted": len(accepted), "submit_failures": submit_errors,
        "create_calls": sum(s.calls for s in f.submissions), "replayed": sum(1 for s in accepted if s.replayed),
        "terminal": len(terminal), "succeeded": sum(1 for job in terminal if job["status"] == "succeeded"),
        "failed": sum(failed_by_code.values()), "failed_by_code": failed_by_code,
        "other_terminal": {st: sum(1 for j in terminal if j["status"] == st) for st in ("cancelled", "expired")},
        "lost": len(lost), "lost_ids": lost[:20], "missing": sum(1 for job in f.jobs.values() if job is None),
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
        "creates": creates, "create_attempts": f.stats.get("create_attempts"), "emulator_tasks": f.stats.get("tasks"),
        "distinct_tasks_on_jobs": len(referenced), "untracked_tasks": untracked,
        "submit_outcome_unknown": len(unknown), "duplicate_creates": max(0, untracked - unknown_untracked),
        "max_creates_per_task": f.stats.get("max_creates_per_task"), "status_reads": f.stats.get("status_reads"),
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
        "expected": len(f.expected), "received": received_expected, "missing": len(missing), "missing_by_type": by_type,
        "missing_never_emitted": never_emitted,
        "missing_notes": f.missing_notes, "unexpected": len(f.webhooks.keys() - f.expected),
        "arrivals": f.sink.arrivals, "redelivered": f.sink.redelivered, "bad_signatures": f.sink.bad_signatures,
        "unreadable": f.sink.unreadable, "succeeded_latency_ms": distribution(latencies["job.succeeded"]),
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
        "create_call_ms": distribution(calls), "dispatch_delay_ms": distribution(dispatch),
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
        reasons.append(f"{jobs['lost']} accepted job(s) lost (not terminal by the deadline, or missing): "
                       f"{jobs['lost_ids'][:5]}")
    if jobs["accepted"] < jobs["submitted"]:
        reasons.append(f"{jobs['submitted'] - jobs['accepted']} submission(s) never accepted: {jobs['submit_failures']}")
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
        "config": {"jobs": f.args.jobs, "workers": f.args.workers, "queue_seconds": f.args.queue_seconds,
                   "run_seconds": f.args.run_seconds, "crash": f.args.crash, "binary": f.extra.get("binary")},
        "jobs": job_figures(f), "upstream": upstream_figures(f), "webhooks": webhook_figures(f),
        "timing": timing_figures(f), "crash": f.crash, "crash_error": f.crash_error,
    }
    report["timing"]["phases_s"]["setup_s"] = round(f.extra.get("setup_s", 0), 2)
    report["failures"] = verdict(report)
    report["passed"] = not report["failures"]
    return report


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
        ("run", f"{c['jobs']} jobs, {c['workers']} submitters, emulator queue {c['queue_seconds']} s + run "
                f"{c['run_seconds']} s{', with a crash' if c['crash'] else ''}"),
        ("jobs submitted / accepted (202)", f"{j['submitted']} / {j['accepted']}  ({j['create_calls']} POSTs, "
                                            f"{j['replayed']} idempotent replays)"),
        ("submit failures", fmt_counts(j["submit_failures"])),
        ("jobs terminal", str(j["terminal"])),
        ("  succeeded", str(j["succeeded"])),
        ("  failed (by error code)", f"{j['failed']}  ({fmt_counts(j['failed_by_code'])})"),
        ("  cancelled / expired", f"{j['other_terminal']['cancelled']} / {j['other_terminal']['expired']}"),
        ("jobs LOST (must be 0)", f"{j['lost']}  (missing on the server: {j['missing']})"),
        ("jobs on server no 202 announced", str(j["unrequested_jobs_on_server"])),
        ("upstream creates / attempts", f"{u['creates']} / {u['create_attempts']}  (distinct tasks on jobs "
                                        f"{u['distinct_tasks_on_jobs']}, untracked {u['untracked_tasks']})"),
        ("submit_outcome_unknown jobs", str(u["submit_outcome_unknown"])),
        ("duplicate upstream creates (0)", str(u["duplicate_creates"])),
        ("max_creates_per_task (1)", str(u["max_creates_per_task"])),
        ("upstream completion -> finished_at", fmt_dist(u["completion_lag_ms"])),
        ("upstream created -> SeedGate recorded", fmt_dist(u.get("create_to_recorded_ms", "n/a"))),
        ("upstream status calls / completed", f"{u['status_reads_per_completed_job']}  ({u['status_reads']} reads, "
                                              f"{u['completed_upstream']} jobs)"),
        ("webhook job.succeeded latency", fmt_dist(w["succeeded_latency_ms"])),
        ("  job.queued (from created_at)", fmt_dist(w["queued_latency_ms"])),
        ("  job.running (from started_at)", fmt_dist(w["running_latency_ms"])),
        ("webhook events received / expected", f"{w['received']} / {w['expected']}  (missing {w['missing']}: "
                                               f"{fmt_counts(w['missing_by_type'])}; never emitted by SeedGate "
                                               f"{never_emitted})"),
        ("webhook arrivals", f"{w['arrivals']}  (redelivered {w['redelivered']}, unexpected {w['unexpected']}, "
                             f"bad signatures {w['bad_signatures']}, unreadable {w['unreadable']})"),
        ("create call (POST /v1/jobs)", fmt_dist(t["create_call_ms"])),
        ("dispatch delay (created -> accepted)", fmt_dist(t["dispatch_delay_ms"])),
        ("succeeded end to end", fmt_dist(t["succeeded_end_to_end_ms"])),
        ("server peak RSS (VmHWM)", " then ".join(f"{mb} MB" for mb in t["peak_rss_mb"]) or "n/a"),
        ("wall time", "  ".join(f"{k.removesuffix('_s')} {v} s" for k, v in t["phases_s"].items())
                      + f"  (submit rate {t['submit_rate_per_s']}/s)"),
    ]
    if report["crash"]:
        k = report["crash"]
        rows.append(("crash", f"kill -9 pid {k.get('killed_pid')} at t={k.get('killed_at_s')} s after "
                              f"{k.get('accepted_at_kill')} accepted, {k.get('upstream_creates_at_kill') or 'n/a'} "
                              f"created upstream; pid {k.get('restarted_pid')} ready at "
                              f"t={k.get('ready_at_s')} s (down {k.get('downtime_s')} s)"))
    width = max(len(name) for name, _ in rows)
    lines = [f"{name.ljust(width)}  {value}" for name, value in rows]
    lines += [f"  ! {note}" for note in w["missing_notes"]]
    lines.append("RESULT: " + ("PASS" if report["passed"] else "FAIL\n" + "\n".join(f"  - {r}" for r in report["failures"])))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1000, help="jobs to submit (default 1000)")
    parser.add_argument("--workers", type=int, default=64, help="concurrent submitters (default 64)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds until every job must be terminal (default 300)")
    parser.add_argument("--queue-seconds", type=float, default=1, help="emulated queue time (default 1)")
    parser.add_argument("--run-seconds", type=float, default=3, help="emulated run time (default 3)")
    parser.add_argument("--poll-interval", type=float, default=1, help="seconds between listing passes (default 1)")
    parser.add_argument("--webhook-grace", type=float, default=90,
                        help="seconds to wait for the last webhooks once all jobs are terminal (default 90: more "
                             "than SeedGate's 60 s delivery lease, which a crash leaves on the batch it had claimed)")
    parser.add_argument("--crash", action="store_true",
                        help="kill -9 and restart the server once half the jobs are accepted")
    parser.add_argument("--binary", help="seedgate binary (default .build/release/seedgate, else .build/debug/seedgate)")
    parser.add_argument("--log-level", default="warning", help="SEEDGATE_LOG_LEVEL for the server (default warning)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--keep-temp", action="store_true", help="keep the temporary directory (config, database, logs)")
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
    if report is None:
        print("RESULT: FAIL (the run did not complete)")
        return 1
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
