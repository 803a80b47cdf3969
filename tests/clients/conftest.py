"""Fixtures that run real SeedGate processes for the client tests.

* ``embedded``: ``seedgate serve`` with no configuration (every provider emulated in-process), SQLite in a temp dir.
* ``routed``: ``seedgate serve --config`` with three emulated providers and per-model routes, as a real deployment
  would pick providers (no request names one).
* ``ark_emulator``: ``seedgate emulate --provider volcengine-ark`` on its own, for the SDK-against-emulator check.

The binary is ``.build/debug/seedgate`` (``scripts/test-clients.sh`` builds it); ``SEEDGATE_BINARY`` overrides it.
"""
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("SEEDGATE_BINARY", REPO / ".build" / "debug" / "seedgate"))
# Provider credentials in the environment would switch SeedGate from emulators to real providers.
CREDENTIAL_VARIABLES = (
    "VOLCENGINE_ARK_API_KEY", "BYTEPLUS_MODELARK_API_KEY", "MODELVERSE_API_KEY", "ACEDATA_API_KEY",
    "CHANJING_APP_ID", "CHANJING_SECRET_KEY", "SEEDGATE_CONFIG", "SEEDGATE_PORT", "SEEDGATE_HOST",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A SeedGate process listening on ``port``; its output goes to ``log`` for post-mortems."""

    def __init__(self, args, port, workdir, ready_path):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = Path(workdir) / "output.log"
        env = {key: value for key, value in os.environ.items() if key not in CREDENTIAL_VARIABLES}
        env["SEEDGATE_SQLITE_PATH"] = str(Path(workdir) / "jobs.sqlite")
        env["SEEDGATE_LOG_LEVEL"] = "warning"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen([str(BINARY), *args], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_ready(ready_path)

    def _wait_until_ready(self, path):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{BINARY} exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # answering at all means listening (the emulator wants a key on its API)
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{BINARY} did not start listening on {self.port}:\n{self.log.read_text()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def job(self, job_id: str) -> dict:
        """The job behind a facade id, from SeedGate's own API."""
        with urllib.request.urlopen(f"{self.base}/v1/jobs/{job_id}", timeout=10) as response:
            return json.load(response)


@pytest.fixture(scope="session")
def binary():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build --product seedgate` (scripts/test-clients.sh does)")
    return BINARY


@pytest.fixture(scope="session")
def embedded(binary):
    with tempfile.TemporaryDirectory(prefix="seedgate-clients-") as workdir:
        port = free_port()
        server = Process(["serve", "--port", str(port)], port, workdir, "/healthz")
        yield server
        server.stop()


ROUTED_CONFIG = """
server: {{host: 127.0.0.1, port: {port}}}
store: {{kind: sqlite, path: {workdir}/jobs.sqlite}}
catalog_dir: {repo}/Providers
emulators: {{queue_seconds: 0.5, run_seconds: 1}}
providers:
  volcengine-ark: {{emulated: true}}
  modelverse: {{emulated: true}}
  acedata: {{emulated: true}}
routing:
  routes:
    seedance-1.5-pro: [modelverse]
    seedance-1.0-pro: [acedata]
  default: [volcengine-ark]
"""


@pytest.fixture(scope="session")
def routed(binary):
    with tempfile.TemporaryDirectory(prefix="seedgate-clients-") as workdir:
        port = free_port()
        config = Path(workdir) / "seedgate.yaml"
        config.write_text(ROUTED_CONFIG.format(port=port, workdir=workdir, repo=REPO))
        server = Process(["serve", "--config", str(config)], port, workdir, "/healthz")
        yield server
        server.stop()


@pytest.fixture(scope="session")
def ark_emulator(binary):
    with tempfile.TemporaryDirectory(prefix="seedgate-clients-") as workdir:
        port = free_port()
        args = ["emulate", "--provider", "volcengine-ark", "--port", str(port), "--queue-seconds", "1", "--run-seconds", "1"]
        emulator = Process(args, port, workdir, "/emulator/stats")
        yield emulator
        emulator.stop()
