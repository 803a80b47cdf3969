"""The processes under load: an Ark emulator, the webhook receiver, and SeedGate routed to the emulator."""

import argparse
import contextlib
import json
from pathlib import Path

from . import REPO, log
from .api import Api
from .processes import Child, child_environment, find_binary
from .webhooks import WebhookReceiver, WebhookSink

PROVIDER = "volcengine-ark"
MODEL = "seedance-1.5-pro"
EMULATOR_KEY = "emulator-key"
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def server_config(tmp: Path, emulator_port: int) -> Path:
    """Writes the server's YAML file (JSON strings are valid YAML scalars). The port comes from the command line."""
    text = f"""\
server: {{host: 127.0.0.1}}
store: {{kind: sqlite, path: {json.dumps(str(tmp / "seedgate.sqlite"))}}}
catalog_dir: {json.dumps(str(REPO / "Providers"))}
providers:
  {PROVIDER}:
    base_url: http://127.0.0.1:{emulator_port}
    credentials: {{api_key: LOAD_ARK_KEY}}
    timeout_seconds: 10
    models: {{"*": {{rpm: 100000, concurrency: 100000}}}}
routing:
  default: [{PROVIDER}]
"""
    path = tmp / "seedgate.yaml"
    path.write_text(text)
    return path


class Stack:
    """The emulator, the webhook receiver and SeedGate, all on loopback; `stop()` always cleans up."""

    def __init__(self, args: argparse.Namespace, tmp: Path, sink: WebhookSink):
        self.binary = find_binary(args.binary)
        self.tmp = tmp
        self.receiver = WebhookReceiver(sink)
        emulate = [str(self.binary), "emulate", "--provider", PROVIDER, "--api-key", EMULATOR_KEY]
        emulate += ["--queue-seconds", str(args.queue_seconds), "--run-seconds", str(args.run_seconds)]
        self.emulator = Child("emulator", emulate, child_environment({}), tmp, ready_path="/emulator/stats")
        env = child_environment(
            {
                "LOAD_ARK_KEY": EMULATOR_KEY,
                "SEEDGATE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "SEEDGATE_LOG_LEVEL": args.log_level,
            }
        )
        serve = [str(self.binary), "serve", "--config", str(tmp / "seedgate.yaml")]
        self.server = Child("seedgate", serve, env, tmp, ready_path="/readyz")
        self.api: Api | None = None  # set once the ports are known
        self.emulator_api: Api | None = None
        self.peak_rss_kb: list[int] = []  # one per server process, filled as each one ends

    def start(self) -> None:
        log(f"binary {self.binary}")
        self.receiver.start()
        emulator_port = self.emulator.start(timeout=60)
        self.emulator_api = Api("127.0.0.1", emulator_port)
        server_config(self.tmp, emulator_port)
        self.start_server()
        log(
            f"emulator :{emulator_port}, seedgate :{self.server.port} (pid {self.server.pid}), "
            f"webhooks {self.receiver.url}, files in {self.tmp}"
        )

    def start_server(self) -> None:
        """Starts SeedGate: on a port the kernel picks the first time, on that same port after a crash (the
        callback URLs SeedGate gave the provider embed it)."""
        port = self.server.start(port=self.server.port or 0, timeout=120)
        self.api = self.api or Api("127.0.0.1", port)

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
        with contextlib.suppress(OSError):
            self.receiver.stop()
