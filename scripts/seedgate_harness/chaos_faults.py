"""The chaos run's fault schedule: what each emulator is told to inject (`POST /emulator/faults`, see
Sources/SeedGateEmulators/Shared/FaultSettings.swift) and when, and the tally of what it injected.

Counts arm the next N matching requests (a count replaces what is left, it is not added); the callback switches
hold until switched off. A 429 burst is a count, not a time: once SeedGate's create circuit for that provider opens
(after 5 failures), each trial after a 30 s cool-down takes one more, so every 429 past the fifth keeps the provider
skipped for another cool-down (per replica). The bursts are sized so that each circuit recovers during the run.

Creates: 429 bursts and provider 500s make no task; a drop (connection reset after the task was made), a stall
longer than SeedGate's call timeout, and a gateway's 504 page make the task and lose its answer. Reads: provider
500s, bodies cut in half, stalls. Callbacks: lost, or sent twice.
"""

import threading
import time

from . import log
from .api import TRANSPORT_ERRORS, Api

ARK, BYTEPLUS, MODELVERSE, ACEDATA, CHANJING = (
    "volcengine-ark",
    "byteplus-modelark",
    "modelverse",
    "acedata",
    "chanjing",
)
STALL_MS = 8_000  # longer than the replicas' provider timeout (chaos_cli's --provider-timeout, 3 s by default)

# (seconds after the first create, provider, settings, what it is)
SCHEDULE: list[tuple[float, str, dict, str]] = [
    (5, ARK, {"create_rate_limited": 8}, "429 burst"),
    (5, CHANJING, {"create_rate_limited": 7}, "429 burst (Chanjing's 40001)"),
    (12, MODELVERSE, {"create_server_error": 4}, "5xx on create (ModelVerse's 500: outcome unknown)"),
    (12, BYTEPLUS, {"create_server_error": 8}, "5xx on create"),
    (18, ACEDATA, {"read_server_error": 15}, "5xx on status reads"),
    (18, ARK, {"read_malformed": 10}, "status reads cut in half"),
    (24, ARK, {"create_drop": 4}, "reset after the task was made"),
    (24, BYTEPLUS, {"create_drop": 4}, "reset after the task was made"),
    (24, ACEDATA, {"create_drop": 3}, "reset after the task was made"),
    (24, MODELVERSE, {"create_drop": 3}, "reset after the task was made"),
    (24, CHANJING, {"create_drop": 3}, "reset after the task was made"),
    (30, ARK, {"read_delay_ms": STALL_MS, "read_delay_count": 6}, "status reads stall"),
    (28, ACEDATA, {"create_delay_ms": STALL_MS, "create_delay_count": 3}, "creates stall past the timeout"),
    (40, ARK, {"drop_callbacks": True}, "callbacks lost (on)"),
    # AceData calls back only at the end: its lost creates of t=24 and t=28 finish before its callbacks are cut.
    (50, ACEDATA, {"drop_callbacks": True}, "callbacks lost (on)"),
    (40, BYTEPLUS, {"duplicate_callbacks": True}, "callbacks sent twice (on)"),
    (44, ARK, {"create_drop": 4}, "reset after the task was made, callbacks lost"),
    (52, ACEDATA, {"create_gateway_timeout": 3}, "gateway 504 page after the task was made, callbacks lost"),
    (50, MODELVERSE, {"create_gateway_timeout": 3}, "gateway 504 page after the task was made"),
    (50, CHANJING, {"create_gateway_timeout": 3}, "gateway 504 page after the task was made"),
    (56, BYTEPLUS, {"create_delay_ms": STALL_MS, "create_delay_count": 3}, "creates stall past the timeout"),
    (64, ARK, {"drop_callbacks": False}, "callbacks lost (off)"),
    (64, ACEDATA, {"drop_callbacks": False}, "callbacks lost (off)"),
    (64, BYTEPLUS, {"duplicate_callbacks": False}, "callbacks sent twice (off)"),
    (70, ACEDATA, {"create_rate_limited": 8}, "429 burst"),
    (70, MODELVERSE, {"create_rate_limited": 7}, "429 burst"),
    (78, ARK, {"create_drop": 3}, "reset after the task was made"),
    (78, BYTEPLUS, {"create_drop": 3}, "reset after the task was made"),
    (78, CHANJING, {"create_drop": 3}, "reset after the task was made"),
    (85, CHANJING, {"read_server_error": 10}, "5xx on status reads"),
    (85, BYTEPLUS, {"read_server_error": 10}, "5xx on status reads"),
    (85, MODELVERSE, {"read_delay_ms": STALL_MS, "read_delay_count": 4}, "status reads stall"),
]


class FaultSchedule:
    """Arms SCHEDULE (its times scaled by `scale`, so a shorter run keeps the order) from a thread of its own."""

    def __init__(self, apis: dict[str, Api], scale: float = 1.0):
        self.apis, self.scale = apis, scale
        self.applied: list[tuple[float, str, str]] = []  # (t, provider, what)
        self.refused: list[str] = []
        self.stop = threading.Event()
        self.t0 = 0.0
        self.thread = threading.Thread(target=self._run, name="faults", daemon=True)

    def start(self, t0: float) -> None:
        self.t0 = t0
        self.thread.start()

    def _run(self) -> None:
        for at, provider, settings, what in sorted(SCHEDULE, key=lambda step: step[0]):
            if self.stop.wait(max(0.0, self.t0 + at * self.scale - time.monotonic())):
                return
            try:
                status, _, body = self.apis[provider].call("POST", "/emulator/faults", settings)
            except TRANSPORT_ERRORS as error:
                status, body = None, {"error": str(error)}
            t = time.monotonic() - self.t0
            if status == 200:
                self.applied.append((t, provider, what))
                log(f"t={t:5.1f}s FAULT {provider}: {what} {settings}", "chaos")
            else:
                self.refused.append(f"{provider} {settings}: {status} {body}")
                log(f"t={t:5.1f}s fault refused by {provider}: {status} {body}", "chaos")

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(5)


def injected(apis: dict[str, Api]) -> dict[str, dict[str, int]]:
    """Per provider, the faults it injected (`injected` of `GET /emulator/faults`), non-zero kinds only."""
    tally = {}
    for provider, api in apis.items():
        try:
            status, _, body = api.get("/emulator/faults")
        except TRANSPORT_ERRORS:
            status, body = None, None
        counts = (body or {}).get("injected", {}) if status == 200 else {}
        tally[provider] = {kind: n for kind, n in sorted(counts.items()) if n}
    return tally
