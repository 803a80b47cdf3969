"""With --crash: SIGKILL the server mid-run and start it again on the same database and port."""

import http.client
import threading
import time
from typing import Any

from . import log
from .stack import Stack


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
            old_pid = self.stack.server.pid
            accepted = self.accepted_count()
            self.stack.kill_server()
            killed = time.monotonic() - self.t0
            log(
                f"CRASH: kill -9 seedgate (pid {old_pid}) at t={killed:.2f}s, after {accepted} jobs accepted "
                f"and {self.facts['upstream_creates_at_kill'] or 'n/a'} upstream creates"
            )
            self.stack.start_server()
            ready = time.monotonic() - self.t0
            log(
                f"RESTART: seedgate (pid {self.stack.server.pid}) ready at t={ready:.2f}s "
                f"({ready - killed:.2f}s after the kill)"
            )
            self.facts.update(
                accepted_at_kill=accepted,
                killed_pid=old_pid,
                killed_at_s=round(killed, 2),
                restarted_pid=self.stack.server.pid,
                ready_at_s=round(ready, 2),
                downtime_s=round(ready - killed, 2),
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
