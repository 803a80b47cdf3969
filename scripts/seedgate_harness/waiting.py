"""Polling until something holds."""

import time
from collections.abc import Callable
from typing import Any


class WaitError(RuntimeError):
    """The awaited condition did not hold in time, or the process it depended on exited."""


def wait_for(
    fetch: Callable[[], Any],
    done: Callable[[Any], bool] = bool,
    timeout: float = 60,
    interval: float = 0.3,
    *,
    what: str = "a condition",
    child: Any = None,
    tolerate: tuple[type[BaseException], ...] = (),
) -> Any:
    """Calls `fetch()` every `interval` s until `done(result)`, and returns that result.

    Exceptions of the `tolerate` types count as "not yet". Raises WaitError after `timeout` s, or as soon as
    `child` (a processes.Process) is no longer alive; either message carries the child's log tail."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        if child is not None and not child.alive():
            raise WaitError(f"{child.name} exited ({child.exit_status()}) before {what}:\n{child.tail()}")
        try:
            last = fetch()
            if done(last):
                return last
        except tolerate as error:
            last = error
        if time.monotonic() >= deadline:
            tail = f":\n{child.tail()}" if child is not None else ""
            raise WaitError(f"timed out after {timeout:.0f} s waiting for {what} (last seen: {last!r}){tail}")
        time.sleep(interval)
