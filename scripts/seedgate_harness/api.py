"""A tiny JSON-over-HTTP client for one loopback base URL."""

import http.client
import json
from typing import Any

# What a call can raise when the server is down, restarting or answers garbage.
TRANSPORT_ERRORS = (OSError, http.client.HTTPException, ValueError)


class Api:
    """One connection per call: cheap on loopback, and robust across a server crash."""

    def __init__(self, host: str, port: int, timeout: float = 30):
        self.host, self.port, self.timeout = host, port, timeout

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None):
        """Returns (status, response headers with lower-case names, decoded JSON or None).
        Raises OSError/HTTPException on transport errors, ValueError on a body that is not JSON."""
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
