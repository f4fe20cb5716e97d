"""Query worker processes, so that a query past its time limit is really stopped.

Oxigraph evaluates a query in native code that a Python thread cannot interrupt: an aggregate over
a large join would keep a core busy long after the client got its timeout. Each query therefore
runs in a small pool of worker processes that open the store read-only; a worker that overruns
is killed and replaced. A worker reopens the store when the build swaps it or an update changes
it (the ``generation`` the service passes with each job).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..store import Answer, OxigraphStore, QuerySyntaxError, QueryTimeout, StoreError

_ERRORS: dict[str, type[Exception]] = {
    "QuerySyntaxError": QuerySyntaxError,
    "QueryTimeout": QueryTimeout,
    "StoreError": StoreError,
}


def _serve(conn: Connection) -> None:
    """Worker loop: answer jobs until told to stop (``None``) or killed."""
    store: OxigraphStore | None = None
    opened: tuple[str, int] | None = None
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        path, generation, text, options = job
        try:
            if opened != (path, generation):
                if store is not None:
                    store.close()
                store = OxigraphStore(Path(path), read_only=True)
                opened = (path, generation)
            assert store is not None
            conn.send(("ok", store.query(text, **options)))
        except Exception as exc:  # every failure goes back to the service as a message
            conn.send(("error", type(exc).__name__, str(exc)))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection


class QueryWorkers:
    """A fixed number of worker processes, started on first use."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    async def _queue(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for _ in range(self.size):
                self._idle.put_nowait(self._start())
        return self._idle

    async def query(self, path: Path, generation: int, text: str, timeout: float, **options: Any) -> Answer:
        idle = await self._queue()
        worker = await idle.get()
        loop = asyncio.get_running_loop()
        reply: tuple[Any, ...] | None = None
        try:
            worker.conn.send((str(path), generation, text, options))
            if await loop.run_in_executor(None, worker.conn.poll, timeout):
                reply = worker.conn.recv()
        except (EOFError, BrokenPipeError, ConnectionError):
            reply = ("error", "StoreError", "the query worker failed; it has been restarted")
        finally:
            if reply is None or reply[2:3] == ("the query worker failed; it has been restarted",):
                worker.process.kill()
                worker.process.join(1)
                worker = self._start()
            idle.put_nowait(worker)
        if reply is None:
            raise QueryTimeout(f"the query ran past the {timeout:g} s time limit and was stopped")
        if reply[0] == "ok":
            return reply[1]
        _tag, kind, message = reply
        raise _ERRORS.get(kind, ValueError)(message)

    def close(self) -> None:
        if self._idle is None:
            return
        while not self._idle.empty():
            worker = self._idle.get_nowait()
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            worker.process.join(1)
            if worker.process.is_alive():
                worker.process.kill()
