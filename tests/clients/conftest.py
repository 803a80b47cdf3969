"""Fixtures that run real SeedGate processes for the client tests.

* ``embedded``: ``seedgate serve`` with no configuration (every provider emulated in-process), SQLite in a temp dir.
* ``routed``: ``seedgate serve --config`` with three emulated providers and per-model routes, as a real deployment
  would pick providers (no request names one).
* ``ark_emulator``: ``seedgate emulate --provider volcengine-ark`` on its own, for the SDK-against-emulator check.

The binary is ``.build/debug/seedgate`` (``scripts/test-clients.sh`` builds it); ``SEEDGATE_BINARY`` overrides it.
Processes are started by the harness in ``scripts/seedgate_harness`` (``--port 0 --port-file``: the kernel picks
each port, nothing races for one), as ``scripts/load.py`` and ``scripts/bench.sh`` start theirs.
"""

import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from seedgate_harness.api import Api  # noqa: E402 (needs the sys.path entry above)
from seedgate_harness.processes import Child, child_environment  # noqa: E402

BINARY = Path(os.environ.get("SEEDGATE_BINARY", REPO / ".build" / "debug" / "seedgate"))


class Process(Child):
    """A SeedGate process on a port the kernel picked; its output goes to ``log_path`` for post-mortems."""

    def job(self, job_id: str) -> dict:
        """The job behind a facade id, from SeedGate's own API."""
        status, _, job = Api("127.0.0.1", self.port, timeout=10).get(f"/v1/jobs/{job_id}")
        assert status == 200, (status, job)
        return job

    def jobs_with_prompt(self, prompt: str) -> list[dict]:
        """The newest jobs (up to 100) whose request has this prompt."""
        status, _, page = Api("127.0.0.1", self.port, timeout=10).get("/v1/jobs?limit=100")
        assert status == 200, (status, page)
        return [job for job in page["data"] if job["request"].get("prompt") == prompt]


def start(args: list[str], workdir: str, ready_path: str) -> Process:
    """Starts ``seedgate ARGS`` with its SQLite database in ``workdir``; returns once ``ready_path`` answers 200
    (provider credentials and SEEDGATE_* settings in the environment are not passed on)."""
    sqlite = str(Path(workdir) / "jobs.sqlite")
    env = child_environment({"SEEDGATE_SQLITE_PATH": sqlite, "SEEDGATE_LOG_LEVEL": "warning"})
    process = Process("seedgate", [str(BINARY), *args], env, Path(workdir), ready_path)
    process.start(timeout=60)
    return process


@pytest.fixture(scope="session")
def binary():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build --product seedgate` (scripts/test-clients.sh does)")
    return BINARY


@pytest.fixture(scope="session")
def embedded(binary):
    with tempfile.TemporaryDirectory(prefix="seedgate-clients-") as workdir:
        server = start(["serve"], workdir, "/healthz")
        yield server
        server.stop(grace=15)


ROUTED_CONFIG = """
server: {{host: 127.0.0.1}}
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
        config = Path(workdir) / "seedgate.yaml"
        config.write_text(ROUTED_CONFIG.format(workdir=workdir, repo=REPO))
        server = start(["serve", "--config", str(config)], workdir, "/healthz")
        yield server
        server.stop(grace=15)


@pytest.fixture(scope="session")
def ark_emulator(binary):
    with tempfile.TemporaryDirectory(prefix="seedgate-clients-") as workdir:
        args = ["emulate", "--provider", "volcengine-ark", "--queue-seconds", "1", "--run-seconds", "1"]
        emulator = start(args, workdir, "/emulator/stats")
        yield emulator
        emulator.stop(grace=15)
