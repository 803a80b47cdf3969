"""The chaos run's load balancer: one loopback address in front of every SeedGate replica, as production has one.

Clients and the providers' callbacks (SeedGate's public URL) go through it. It proxies TCP: each new connection
goes to the next replica in turn, and to the one after when that one refuses (a replica killed or restarting);
a connection already open to a replica that dies is cut, as a real balancer's would be.
"""

import asyncio
import contextlib
import threading


class Balancer:
    """Round-robin TCP proxy on 127.0.0.1 (port picked by the kernel), run by an asyncio loop in a daemon thread."""

    def __init__(self, backends: list[int], connect_timeout: float = 1.0):
        self.backends = list(backends)
        self.connect_timeout = connect_timeout
        self.port: int | None = None
        self.connections = 0  # accepted from clients
        self.failovers = 0  # connections that went to another replica than their turn's, which refused
        self.refused = 0  # connections closed because no replica answered
        self._turn = 0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="balancer", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the balancer did not start")

    def stop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def stats(self) -> dict[str, int]:
        return {"connections": self.connections, "failovers": self.failovers, "refused": self.refused}

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=512))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            with contextlib.suppress(Exception):
                self._loop.run_until_complete(self._server.wait_closed())
            self._loop.close()

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        if not self.backends:
            return None
        first = self._turn % len(self.backends)
        self._turn = (self._turn + 1) % len(self.backends)
        for offset in range(len(self.backends)):
            port = self.backends[(first + offset) % len(self.backends)]
            try:
                pair = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), self.connect_timeout)
            except OSError:  # TimeoutError included
                continue
            if offset:
                self.failovers += 1
            return pair
        return None

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        upstream = await self._connect()
        if upstream is None:
            self.refused += 1
            client_writer.close()
            return
        up_reader, up_writer = upstream
        await asyncio.gather(_pipe(client_reader, up_writer), _pipe(up_reader, client_writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copies until either side ends, then closes the writing side (so a cut replica cuts its client too)."""
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            writer.close()
