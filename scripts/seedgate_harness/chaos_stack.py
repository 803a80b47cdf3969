"""The chaos run's processes: one emulator per provider, SeedGate replicas on one PostgreSQL database, and the
balancer in front of them (processes.Child starts each on `--port 0 --port-file`)."""

import argparse
import json
import subprocess
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import REPO, log
from .api import Api
from .chaos_balancer import Balancer
from .processes import Child, child_environment, find_binary

PROVIDERS = ("volcengine-ark", "byteplus-modelark", "modelverse", "acedata", "chanjing")
EMULATOR_KEY = "emulator-key"
CHANJING_APP = "emulator-app"  # ChanjingEmulator.defaultAppID; its secret key is the emulator's --api-key
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MEDIA_SECRET = "chaos-media-link-secret-0123456789"

# Every provider serves one of these first and another's failover: 1.5 pro (ModelVerse, Ark; AceData),
# 1.0 pro (Chanjing, BytePlus; AceData) and 1.0 pro fast (AceData; Ark). Providers sharing a tier split by weight.
ROUTES = {
    "seedance-1.5-pro": [("modelverse", 1), ("volcengine-ark", 1), ("acedata", 2)],
    "seedance-1.0-pro": [("chanjing", 1), ("byteplus-modelark", 1), ("acedata", 2)],
    "seedance-1.0-pro-fast": [("acedata", 1), ("volcengine-ark", 2)],
}


def server_config(tmp: Path, emulator_ports: dict[str, int], timeout: float) -> Path:
    """The replicas' YAML file (JSON strings are valid YAML scalars); store, public URL and secrets come from the
    environment."""
    lines = ["server: {host: 127.0.0.1}", f"catalog_dir: {json.dumps(str(REPO / 'Providers'))}", "providers:"]
    for provider, port in emulator_ports.items():
        credentials = (
            "{app_id: CHAOS_APP_ID, secret_key: CHAOS_KEY}" if provider == "chanjing" else "{api_key: CHAOS_KEY}"
        )
        lines += [
            f"  {provider}:",
            f"    base_url: http://127.0.0.1:{port}",
            f"    credentials: {credentials}",
            f"    timeout_seconds: {timeout:g}",
            '    models: {"*": {rpm: 100000, concurrency: 100000}}',
        ]
    lines += ["routing:", f"  default: [{ROUTES['seedance-1.5-pro'][0][0]}]", "  routes:"]
    for model, entries in ROUTES.items():
        lines.append(f"    {model}:")
        lines += [f"      - {{provider: {provider}, tier: {tier}, weight: 1}}" for provider, tier in entries]
    path = tmp / "seedgate.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def fresh_database(base_url: str) -> str:
    """A new database on the server `base_url` names (so runs never see each other's jobs); its URL."""
    name = f"seedgate_chaos_{uuid.uuid4().hex[:8]}"
    subprocess.run(["psql", base_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class AllCreates:
    """Stands in for an emulator's Api where crash.CrashDrill reads `creates` off `/emulator/stats`: the sum over
    every emulator, so a kill is aimed at a moment some provider is being sent creates."""

    def __init__(self, apis: dict[str, Api]):
        self.apis = apis

    def get(self, path: str):
        total = sum(api.get(path)[2]["creates"] for api in self.apis.values())
        return 200, {}, {"creates": total}


class ReplicaHandle:
    """One replica seen as crash.CrashDrill sees a load stack: `server`, `emulator_api` (whose create counter times
    the kill), `kill_server()` and `start_server()` (on the same port, which the balancer knows)."""

    def __init__(self, server: Child, emulator_api: Api | AllCreates):
        self.server, self.emulator_api = server, emulator_api
        self.peak_rss_kb: list[int] = []

    def kill_server(self) -> None:
        rss = self.server.peak_rss_kb()
        if rss is not None:
            self.peak_rss_kb.append(rss)
        self.server.kill9()

    def start_server(self) -> None:
        self.server.start(port=self.server.port or 0, timeout=120)


class ChaosStack:
    """Emulators, replicas and the balancer; `stop()` always cleans up."""

    def __init__(self, args: argparse.Namespace, tmp: Path):
        self.args, self.tmp = args, tmp
        self.binary = find_binary(args.binary)
        self.emulator_binary = Path(args.emulator_binary).resolve() if args.emulator_binary else self.binary
        self.emulators: dict[str, Child] = {}
        self.emulator_apis: dict[str, Api] = {}
        for provider in PROVIDERS:
            argv = [str(self.emulator_binary), "emulate", "--provider", provider, "--api-key", EMULATOR_KEY]
            argv += ["--queue-seconds", str(args.queue_seconds), "--run-seconds", str(args.run_seconds)]
            self.emulators[provider] = Child(provider, argv, child_environment({}), tmp, ready_path="/emulator/stats")
        self.replicas: list[Child] = []
        self.handles: list[ReplicaHandle] = []
        self.balancer: Balancer | None = None
        self.api: Api | None = None
        self.database_url: str | None = None
        self.references = False  # whether the emulators record each task's [[ref:…]] (/emulator/references)

    def start(self) -> None:
        log(
            f"binary {self.binary}"
            + (f", emulators {self.emulator_binary}" if self.emulator_binary != self.binary else ""),
            "chaos",
        )
        for provider, child in self.emulators.items():
            self.emulator_apis[provider] = Api("127.0.0.1", child.start(timeout=60), timeout=10)
        self.references = all(self._record_references(api) for api in self.emulator_apis.values())
        if not self.references:
            log(
                "the emulators cannot record task references (an older binary): duplicates are counted, not tied",
                "chaos",
            )
        config = server_config(self.tmp, {p: c.port for p, c in self.emulators.items()}, self.args.provider_timeout)
        self.database_url = fresh_database(self.args.postgres_url)
        # The balancer needs the replicas' ports and the replicas need its URL: bind it first on no backends, start
        # the replicas pointing at it, then give it their ports.
        self.balancer = Balancer([])
        self.balancer.start()
        env = child_environment(
            {
                "CHAOS_KEY": EMULATOR_KEY,
                "CHAOS_APP_ID": CHANJING_APP,
                "SEEDGATE_DATABASE_URL": self.database_url,
                "SEEDGATE_PUBLIC_URL": self.balancer.url,
                "SEEDGATE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "SEEDGATE_MEDIA_LINK_SECRET": MEDIA_SECRET,
                "SEEDGATE_ARCHIVE": "off",
                "SEEDGATE_UNCONFIRMED_WINDOW": str(self.args.unconfirmed_window),
                "SEEDGATE_LOG_LEVEL": self.args.log_level,
            }
        )
        serve = [str(self.binary), "serve", "--config", str(config)]
        for index in range(self.args.replicas):
            replica = Child(f"replica-{chr(ord('a') + index)}", serve, env, self.tmp, ready_path="/readyz")
            replica.start(timeout=120)
            self.replicas.append(replica)
            self.handles.append(ReplicaHandle(replica, AllCreates(self.emulator_apis)))
        self.balancer.backends = [replica.port for replica in self.replicas]
        self.api = Api("127.0.0.1", self.balancer.port, timeout=30)
        ports = ", ".join(f"{p} :{c.port}" for p, c in self.emulators.items())
        replicas = ", ".join(f"{r.name} :{r.port} (pid {r.pid})" for r in self.replicas)
        log(f"emulators {ports}; {replicas}; balancer {self.balancer.url}; files in {self.tmp}", "chaos")

    @staticmethod
    def _record_references(api: Api) -> bool:
        try:
            status, _, body = api.call("POST", "/emulator/references", {"record": True})
        except (OSError, ValueError):
            return False
        return status == 200 and bool((body or {}).get("record"))

    def circuit_states(self) -> dict[str, dict[str, str]]:
        """Per replica, each circuit's state off its /metrics (`seedgate_circuit_state`: 0 closed, 1 half-open, 2 open),
        as `provider/operation` → value; a replica that does not answer is left out."""
        states = {}
        for replica in self.replicas:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{replica.port}/metrics", timeout=10) as response:
                    text = response.read().decode()
            except OSError:
                continue
            circuits = {}
            for line in text.splitlines():
                if line.startswith("seedgate_circuit_state{"):
                    labels, value = line[len("seedgate_circuit_state{") :].rsplit("} ", 1)
                    pairs = (part.split("=", 1) for part in labels.split(","))
                    fields = {name: quoted.strip('"') for name, quoted in pairs}
                    circuits[f"{fields.get('provider', '?')}/{fields.get('operation', '?')}"] = value
            states[replica.name] = dict(sorted(circuits.items()))
        return states

    def stop(self) -> None:
        for child in [*self.replicas, *self.emulators.values()]:
            try:
                child.stop()
            except OSError as error:
                log(f"stopping {child.name}: {error}", "chaos")
        if self.balancer is not None:
            self.balancer.stop()
