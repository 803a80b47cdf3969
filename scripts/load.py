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
by listing the unfinished jobs (`GET /v1/jobs?status=queued|running`, one pass a second), waits a little for
the last webhooks, fetches every job once, and reads the emulator's counters and tasks.

What it measures
----------------
* jobs submitted / accepted (202) / terminal / succeeded / failed by error code / lost (accepted but not
  terminal by the deadline, or missing) -- lost must be 0;
* upstream creates: duplicate creates (emulator creates minus the distinct upstream tasks SeedGate's jobs
  reference, less the tasks a `submit_outcome_unknown` job may have left behind) and the emulator's
  `max_creates_per_task` (creates sharing one request fingerprint) -- must be 0 and 1;
* lag from upstream completion (emulator `finished_at_ms`, matched by `upstream.task_id`) to SeedGate's
  `finished_at`, p50/p95/max;
* upstream status calls per completed job (emulator `status_reads` / completed jobs);
* webhook first-attempt latency of `job.succeeded` (receive time - job `finished_at`), p50/p95/max;
* webhook events received vs expected (queued, running, succeeded per succeeded job; queued and the
  terminal event per other terminal job), naming the missing ones;
* dispatch delay (created -> accepted upstream), create-call latency, the server's peak RSS (VmHWM), wall time.

With `--crash`, the server is killed with SIGKILL once half the jobs are accepted, restarted on the same
database and port, and the run goes on; the same guarantees are checked. Jobs whose create call the kill
interrupted may end `failed` with `submit_outcome_unknown` (they are counted), but never cause a second create.

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
    for config in ("release", "debug"):
        candidate = REPO / ".build" / config / "seedgate"
        if candidate.exists():
            return candidate
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


class WebhookReceiver:
    """ThreadingHTTPServer on a free loopback port, serving in a daemon thread."""

    def __init__(self, sink: WebhookSink):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _HookHandler)
        self.httpd.daemon_threads = True
        self.httpd.sink = sink
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/seedgate"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="webhooks", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
