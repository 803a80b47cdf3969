"""A webhook receiver: an `http.server` thread that answers 204, checks each delivery's Standard Webhooks
signature, and records when each (job id, event type) first arrived."""

import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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
    """ThreadingHTTPServer on a loopback port the kernel picks (bound here, so no race), serving in a daemon thread."""

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
