"""docs/webhooks.md, checked against a real SeedGate: every delivery a job's callback_url receives verifies with the
`standardwebhooks` library (PyPI, pinned in requirements.txt) and with the guide's own verifier
(docs/examples/verify_webhook.py, imported here as the guide quotes it); a refused delivery comes back with the same
webhook-id; and during a secret rotation (SEEDGATE_WEBHOOK_SECRET_PREVIOUS set) every delivery carries two signatures,
so a receiver holding only the old secret and one holding only the new secret both verify it.

SeedGate runs in the embedded mode as `seedgate serve` starts with no configuration (every provider emulated
in-process), with only the webhook secret variables set.
"""

import base64
import json
import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from seedgate_harness.api import Api
from seedgate_harness.processes import Child, child_environment
from seedgate_harness.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "docs" / "examples"))

from verify_webhook import InvalidWebhookError, verify_webhook  # noqa: E402 (needs the sys.path entry above)

EVENT_TYPES = {
    "job.queued",
    "job.running",
    "job.succeeded",
    "job.failed",
    "job.cancelled",
    "job.expired",
    "job.archived",
    "job.archive_failed",
}


def new_secret() -> str:
    """A fresh secret per run, in SeedGate's format: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


OLD_SECRET, NEW_SECRET, UNRELATED_SECRET = new_secret(), new_secret(), new_secret()


class Receiver:
    """A webhook endpoint on a loopback port: records every delivery (headers with lower-case names, raw body).
    Under /flaky it refuses the first attempt of each webhook-id with a 503, as a receiver that is down would."""

    def __init__(self):
        self.lock = threading.Lock()
        self.deliveries: list[tuple[str, dict[str, str], bytes, int]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                status = receiver.answer(self.path, headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, name="receiver", daemon=True).start()

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            seen = any(d[1].get("webhook-id") == headers.get("webhook-id") for d in self.deliveries if d[0] == path)
            status = 503 if path == "/flaky" and not seen else 204
            self.deliveries.append((path, headers, body, status))
        return status

    def received(self, path: str, job_id: str) -> list[tuple[dict[str, str], bytes, int]]:
        """The deliveries to `path` about `job_id`, in arrival order: (headers, body, status answered)."""
        with self.lock:
            return [(h, b, s) for p, h, b, s in self.deliveries if p == path and json.loads(b)["data"]["id"] == job_id]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def start_seedgate(binary: Path, workdir: str, secrets: dict[str, str]) -> Child:
    """`seedgate serve` in the embedded mode, with the webhook secret variables in `secrets`."""
    env = child_environment(
        {"SEEDGATE_SQLITE_PATH": str(Path(workdir) / "jobs.sqlite"), "SEEDGATE_LOG_LEVEL": "warning", **secrets}
    )
    server = Child("seedgate", [str(binary), "serve"], env, Path(workdir), "/readyz")
    server.start(timeout=60)
    return server


@pytest.fixture(scope="module")
def receiver():
    hooks = Receiver()
    yield hooks
    hooks.stop()


@pytest.fixture(scope="module")
def single(binary):
    """SeedGate signing with one secret (NEW_SECRET)."""
    with tempfile.TemporaryDirectory(prefix="seedgate-webhooks-") as workdir:
        server = start_seedgate(binary, workdir, {"SEEDGATE_WEBHOOK_SECRET": NEW_SECRET})
        yield server
        server.stop(grace=15)


@pytest.fixture(scope="module")
def rotating(binary):
    """SeedGate in the middle of a rotation: NEW_SECRET current, OLD_SECRET previous."""
    with tempfile.TemporaryDirectory(prefix="seedgate-webhooks-") as workdir:
        secrets = {"SEEDGATE_WEBHOOK_SECRET": NEW_SECRET, "SEEDGATE_WEBHOOK_SECRET_PREVIOUS": OLD_SECRET}
        server = start_seedgate(binary, workdir, secrets)
        yield server
        server.stop(grace=15)


def job_with_callback(server: Child, url: str, prompt: str) -> str:
    status, _, job = Api("127.0.0.1", server.port).call(
        "POST", "/v1/jobs", {"model": "seedance-1.5-pro", "prompt": prompt, "duration": 5, "callback_url": url}
    )
    assert status == 202, (status, job)
    return job["id"]


def until_archive_event(server: Child, receiver: Receiver, path: str, job_id: str):
    """Every delivery about the job, once its last event (job.archived or job.archive_failed) and every message
    before it were answered 2xx."""

    def finished(deliveries) -> bool:
        answered = {headers["webhook-id"] for headers, _, status in deliveries if status < 300}
        last = any(json.loads(body)["type"] in {"job.archived", "job.archive_failed"} for _, body, _ in deliveries)
        return last and answered == {headers["webhook-id"] for headers, _, _ in deliveries}

    return wait_for(
        lambda: receiver.received(path, job_id), finished, timeout=90, what=f"{job_id}'s last webhook", child=server
    )


def signatures(headers: dict[str, str]) -> list[str]:
    return headers["webhook-signature"].split(" ")


def test_every_delivery_verifies_with_the_library_and_with_the_guide(single, receiver):
    job_id = job_with_callback(single, f"{receiver.base}/hooks", "a lantern floats up")
    deliveries = until_archive_event(single, receiver, "/hooks", job_id)

    events = {}
    for headers, body, _ in deliveries:
        assert Webhook(NEW_SECRET).verify(body, headers) == json.loads(body)
        verify_webhook(body, headers, NEW_SECRET)
        assert len(signatures(headers)) == 1 and signatures(headers)[0].startswith("v1,")
        assert headers["content-type"] == "application/json"
        assert headers["webhook-id"].startswith("evt_")
        payload = json.loads(body)
        assert set(payload) == {"type", "timestamp", "data"}
        assert payload["type"] in EVENT_TYPES
        assert payload["data"]["id"] == job_id
        events[payload["type"]] = payload
    # One message per event (no refusals here, so no redelivery): webhook-ids are distinct.
    assert len({headers["webhook-id"] for headers, _, _ in deliveries}) == len(deliveries) == len(events)
    # Deliveries may overlap, so receivers order events by their timestamp (and data.status), not by arrival.
    assert {"job.queued", "job.succeeded", "job.archived"} <= set(events)
    assert events["job.queued"]["data"]["status"] == "queued"
    assert events["job.succeeded"]["data"]["status"] == events["job.archived"]["data"]["status"] == "succeeded"
    order = sorted(events, key=lambda kind: events[kind]["timestamp"])
    assert order[0] == "job.queued" and order.index("job.succeeded") < order.index("job.archived")

    # What a receiver must refuse: another secret, an altered body, a late (replayed) or early timestamp.
    headers, body, _ = deliveries[0]
    with pytest.raises(WebhookVerificationError):
        Webhook(UNRELATED_SECRET).verify(body, headers)
    with pytest.raises(InvalidWebhookError):
        verify_webhook(body, headers, UNRELATED_SECRET)
    altered = body.replace(b'"job.queued"', b'"job.failed"')
    with pytest.raises(WebhookVerificationError):
        Webhook(NEW_SECRET).verify(altered, headers)
    with pytest.raises(InvalidWebhookError):
        verify_webhook(altered, headers, NEW_SECRET)
    sent_at = int(headers["webhook-timestamp"])
    for now in (sent_at + 301, sent_at - 301):
        with pytest.raises(InvalidWebhookError):
            verify_webhook(body, headers, NEW_SECRET, now=now)
    verify_webhook(body, headers, NEW_SECRET, now=sent_at + 299)


def test_a_refused_delivery_comes_again_with_the_same_webhook_id(single, receiver):
    job_id = job_with_callback(single, f"{receiver.base}/flaky", "a kite in the rain")
    deliveries = until_archive_event(single, receiver, "/flaky", job_id)

    by_id: dict[str, list[int]] = {}
    for headers, body, status in deliveries:
        # Every attempt is signed afresh (its own webhook-timestamp) and verifies.
        Webhook(NEW_SECRET).verify(body, headers)
        verify_webhook(body, headers, NEW_SECRET)
        by_id.setdefault(headers["webhook-id"], []).append(status)
    # Each message was refused once, then delivered again under the same webhook-id (which is how receivers dedupe).
    assert all(statuses == [503, 204] for statuses in by_id.values()), by_id

    # The job shows its deliveries: event_id is the webhook-id, two attempts each (SeedGate records an attempt once
    # the receiver answered, so wait for the last record).
    def shown() -> dict[str, dict]:
        status, _, job = Api("127.0.0.1", single.port).get(f"/v1/jobs/{job_id}")
        assert status == 200
        return {delivery["event_id"]: delivery for delivery in job.get("webhooks", [])}

    deliveries_shown = wait_for(
        shown,
        lambda rows: set(by_id) <= set(rows) and all(rows[event]["status"] == "delivered" for event in by_id),
        timeout=30,
        what="the job's deliveries recorded as delivered",
        child=single,
    )
    assert all(deliveries_shown[event]["attempts"] == 2 for event in by_id)
    assert all(deliveries_shown[event]["last_response_status"] == 204 for event in by_id)


def test_during_a_rotation_either_secret_alone_verifies_every_delivery(rotating, receiver):
    job_id = job_with_callback(rotating, f"{receiver.base}/rotation", "a heron lands")
    deliveries = until_archive_event(rotating, receiver, "/rotation", job_id)

    for headers, body, _ in deliveries:
        assert len(signatures(headers)) == 2, headers["webhook-signature"]
        # A receiver still on the old secret, and one already on the new one: both accept, with the library...
        assert Webhook(OLD_SECRET).verify(body, headers) == json.loads(body)
        assert Webhook(NEW_SECRET).verify(body, headers) == json.loads(body)
        # ...and with the guide's verifier, given either secret or both.
        for secrets in (OLD_SECRET, NEW_SECRET, [OLD_SECRET, NEW_SECRET], [UNRELATED_SECRET, OLD_SECRET]):
            verify_webhook(body, headers, secrets)
        with pytest.raises(WebhookVerificationError):
            Webhook(UNRELATED_SECRET).verify(body, headers)
        with pytest.raises(InvalidWebhookError):
            verify_webhook(body, headers, UNRELATED_SECRET)
        # The current secret's signature comes first.
        only_new = {**headers, "webhook-signature": signatures(headers)[0]}
        Webhook(NEW_SECRET).verify(body, only_new)
        with pytest.raises(WebhookVerificationError):
            Webhook(OLD_SECRET).verify(body, only_new)


def test_the_guide_quotes_the_verifier_as_it_is():
    guide = (REPO / "docs" / "webhooks.md").read_text()
    verifier = (REPO / "docs" / "examples" / "verify_webhook.py").read_text()
    assert f"```python\n{verifier}```" in guide, "docs/webhooks.md must quote docs/examples/verify_webhook.py"
