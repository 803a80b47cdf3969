"""seedgate child processes, started on `--port 0 --port-file FILE`: the kernel picks the port, the process writes
it to FILE (renamed into place) once it listens, and the harness reads it back. Nothing races for a "free" port.

As a command (for shell scripts that start the process themselves and keep its pid), waits for a port file and a
ready path and prints the port:

    PYTHONPATH=scripts python3 -m seedgate_harness.processes --pid PID --port-file FILE --log LOG [--ready /readyz]
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import REPO, log
from .api import TRANSPORT_ERRORS, Api
from .waiting import WaitError, wait_for

# With any of these set, `seedgate serve` would use a real provider instead of an emulator.
PROVIDER_CREDENTIALS = (
    "VOLCENGINE_ARK_API_KEY",
    "BYTEPLUS_MODELARK_API_KEY",
    "MODELVERSE_API_KEY",
    "ACEDATA_API_KEY",
    "CHANJING_APP_ID",
    "CHANJING_SECRET_KEY",
)


def child_environment(extra: dict[str, str]) -> dict[str, str]:
    """The caller's environment without SEEDGATE_* settings (they would override the harness's flags and files)
    and without provider credentials, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEEDGATE_") and k not in PROVIDER_CREDENTIALS}
    env.update(extra)
    return env


def find_binary(explicit: str | None) -> Path:
    """`explicit`, else the release build, else the debug build (built now if missing)."""
    if explicit:
        return Path(explicit).resolve()
    release, debug = REPO / ".build" / "release" / "seedgate", REPO / ".build" / "debug" / "seedgate"
    if release.exists():
        if debug.exists() and debug.stat().st_mtime > release.stat().st_mtime:
            log("note: the release binary is older than the debug one (use --binary to pick)")
        return release
    if debug.exists():
        return debug
    log("no seedgate binary; running swift build --product seedgate")
    subprocess.run(["swift", "build", "--product", "seedgate"], cwd=REPO, check=True)
    return debug


def read_port_file(path: Path) -> int | None:
    """The port in `path`, or None while it is not there yet."""
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def tail_of(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return "    (no log)"
    return "\n".join(f"    {line}" for line in text[-lines:])


class Process:
    """A seedgate process whose output goes to `log_path` and which writes its port to `port_file`."""

    def __init__(self, name: str, log_path: Path, port_file: Path):
        self.name, self.log_path, self.port_file = name, log_path, port_file
        self.port: int | None = None

    def alive(self) -> bool:
        raise NotImplementedError

    def exit_status(self) -> str:
        return "status unknown"

    def tail(self, lines: int = 25) -> str:
        return tail_of(self.log_path, lines)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def await_listening(self, ready_path: str | None, timeout: float) -> int:
        """Waits until the port file names a port and, if given, `ready_path` answers 200 there; returns the port.
        Fails (WaitError, with the log tail) if the process exits first or `timeout` s pass."""
        deadline = time.monotonic() + timeout
        self.port = wait_for(
            lambda: read_port_file(self.port_file),
            timeout=timeout,
            interval=0.05,
            what=f"the port file {self.port_file}",
            child=self,
        )
        if ready_path:
            api = Api("127.0.0.1", self.port, timeout=5)
            wait_for(
                lambda: api.get(ready_path)[0] == 200,
                timeout=max(0.0, deadline - time.monotonic()),
                interval=0.1,
                what=f"{self.name} {ready_path} on port {self.port}",
                child=self,
                tolerate=TRANSPORT_ERRORS,
            )
        return self.port


class Child(Process):
    """A process this harness starts, with its output appended to `workdir/NAME.log`; can be started again."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], workdir: Path, ready_path: str | None):
        super().__init__(name, workdir / f"{name}.log", workdir / f"{name}.port")
        self.argv, self.env, self.ready_path = argv, env, ready_path
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self, port: int = 0, timeout: float = 60) -> int:
        """Starts `argv --port PORT --port-file FILE` (0: the kernel picks) and waits until it listens and answers
        its ready path; returns the port. A process that does not come up is stopped."""
        self.port_file.unlink(missing_ok=True)
        argv = [*self.argv, "--port", str(port), "--port-file", str(self.port_file)]
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                argv,
                env=self.env,
                cwd=REPO,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            bound = self.await_listening(self.ready_path, timeout)
        except BaseException:
            self.stop()
            raise
        if port and bound != port:
            self.stop()
            raise WaitError(f"{self.name} was asked for port {port} but wrote {bound}")
        return bound

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exit_status(self) -> str:
        return f"status {self.proc.returncode}" if self.proc else "never started"

    def peak_rss_kb(self) -> int | None:
        """VmHWM (peak resident set) of the running process, in kB."""
        if not self.alive():
            return None
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def kill9(self) -> None:
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self, grace: float = 5) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds."""
        if not self.alive():
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class StartedElsewhere(Process):
    """A process another program started (a shell script), known by its pid."""

    def __init__(self, pid: int, name: str, log_path: Path, port_file: Path):
        super().__init__(name, log_path, port_file)
        self.pid = pid

    def alive(self) -> bool:
        """Running: not gone, and not a zombie its parent has yet to reap."""
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Wait for a seedgate process's port file; print the port.")
    parser.add_argument("--pid", type=int, required=True, help="the process (fail at once if it exits)")
    parser.add_argument("--port-file", type=Path, required=True, help="the file given to --port-file")
    parser.add_argument("--log", type=Path, required=True, help="the process's output, tailed on failure")
    parser.add_argument("--ready", help="a path that must answer 200 too (e.g. /readyz)")
    parser.add_argument("--name", default="seedgate", help="what to call it in messages")
    parser.add_argument("--timeout", type=float, default=60, help="seconds (default 60)")
    args = parser.parse_args(argv)
    process = StartedElsewhere(args.pid, args.name, args.log, args.port_file)
    try:
        print(process.await_listening(args.ready, args.timeout))
    except WaitError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
