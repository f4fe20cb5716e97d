"""How queries and updates run: one writer, several readers, time limits, the cache, the version.

Every query and update of the service goes through :class:`Executor`; no router touches a store.

**Design.** Oxigraph evaluates in native code that a Python thread cannot interrupt, so work that
must be stoppable runs in processes (:mod:`.processes`):

* *One writer process* holds the build's store read-write. Updates are serialised (one at a time,
  each one Oxigraph transaction). With each update the writer writes a token into a hidden graph
  in the same transaction; as soon as the transaction has committed it says so, removes the
  token, and publishes a checkpoint (``Store.backup``: a consistent copy made of hard links).
  An update that passes its time limit before committing is stopped by killing the writer:
  the transaction dies with it. The restarted writer looks for the token: present means the
  update did commit in the last instant, and it is acknowledged; absent means nothing of it was
  applied, and only then does the client get a 503. So a 503 always means "not applied", and a
  retry cannot apply an update twice.
* *Reader processes* open only published checkpoints, read-only, never the store the writer
  writes (the case pyoxigraph documents as undefined behaviour, which used to stall readers on
  write-ahead-log replays). After an update, the next query runs on the new checkpoint
  (read-your-writes); old checkpoints are deleted once no reader has them open.
* Readers are started and proven ready (one query each) before the service answers; a query's
  clock starts when a reader takes it; a reader past the limit is killed and replaced at once.
  A client may have ``client_concurrency`` queries in flight; more answer 429 with
  ``Retry-After``, so a few runaway clients cannot hold every reader.
* The answer cache holds serialised answers of the current dataset version only (entries of
  older versions are dropped when a version is published) within a byte budget; every answer has
  its own byte budget, enforced in the reader while it materialises rows.

**Why checkpoints rather than reopening the live store.** pyoxigraph documents opening a store
read-only while another process writes it as undefined behaviour, and reopening a written store
replays its write-ahead log (16 s after 700 MB, measured earlier); a checkpoint is a consistent,
immutable copy that any number of processes may open. Measured on this machine (2 cores, the
curated graph of 12,620 triples, 30 rounds): an update 0.2 ms, a checkpoint 17 ms (median; max
19 ms), a reader opening a fresh checkpoint 10 ms (max 13 ms), ``len(store)`` 2.4 ms. The cost is
paid per published version, not per query; updates that wait for the writer are sent as one
batch (each its own transaction) and share one checkpoint, which took 4 writers x 250 inserts
with 8 readers from 93 s to 51 s.

The dataset version (build, data commit, ontology version, update sequence) names every answer;
the sequence is persisted by the writer before a checkpoint carries it, and a restart publishes a
new one, so one version never names two different datasets.

**Remote stores behind read replicas.** Each replica serves one snapshot
(:mod:`alliance_graph.publish`), and during a rollout two snapshots answer side by side; so the
version of a remote answer is that of the snapshot that computed it (``Answer.snapshot``, said by
the balancer), never the one the service saw first. An answer from a snapshot not seen before
makes the service read that snapshot's build facts; the row it takes is one in which the data
itself names that snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..store import (
    Answer,
    AnswerTooLarge,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooComplex,
    Store,
    StoreError,
    StoreFull,
    StoreLocation,
    StoreSpec,
    UnreadableRequest,
    open_store,
)
from .guard import check_remote
from .processes import PENDING_GRAPH, reader_main, writer_main

log = logging.getLogger("alliance_graph.executor")

_ERRORS: dict[str, type[Exception]] = {
    "QuerySyntaxError": QuerySyntaxError,
    "SyntaxError": QuerySyntaxError,
    "QueryTimeout": QueryTimeout,
    "StoreError": StoreError,
    "StoreFull": StoreFull,
    "AnswerTooLarge": AnswerTooLarge,
}


class Busy(Exception):
    """No reader became free in time; the query was not run."""


class TooManyRequests(Exception):
    """The client already has as many queries in flight as it may."""


class UpdateNotApplied(Exception):
    """The update was stopped (time limit) or its writer failed; nothing of it was applied."""


class QueryFailed(ValueError):
    """The engine could not evaluate the query (a run-time error, not a syntax error)."""


def _exception(kind: str, message: str) -> Exception:
    if kind == "OSError" and "No space left" in message:
        return StoreFull("the disk holding the store is full")
    return _ERRORS.get(kind, QueryFailed)(message)


def _raise(kind: str, message: str) -> None:
    raise _exception(kind, message)


#: Updates sent to the writer together at most (each its own transaction, one checkpoint).
MAX_BATCH = 64
#: Tries to read a new snapshot's build facts from a replica serving it (others may answer first).
SNAPSHOT_TRIES = 12


@dataclass
class _Pending:
    text: str
    token: str
    future: asyncio.Future[DatasetVersion]


@dataclass(frozen=True)
class DatasetVersion:
    """What an answer was computed on, so that a cited answer can be reproduced."""

    build: str
    data_commit: str | None
    ontology: str | None
    sequence: int
    published: float
    triples: int
    graphs: tuple[str, ...] = ()
    checkpoint: str | None = field(default=None, compare=False)
    snapshot: str | None = None

    @property
    def tag(self) -> str:
        return f"{self.build}.{self.sequence}" + (f".{self.snapshot}" if self.snapshot else "")

    def header(self) -> str:
        return (
            f"build={self.build}; data={self.data_commit or 'unknown'}; "
            f"ontology={self.ontology or 'unknown'}; update={self.sequence}"
            + (f"; snapshot={self.snapshot}" if self.snapshot else "")
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "build": self.build,
            "dataCommit": self.data_commit,
            "ontologyVersion": self.ontology,
            "updateSequence": self.sequence,
            "snapshot": self.snapshot,
        }


@dataclass
class Result:
    """An answer and the version it was computed on: ``body`` when a media type was asked
    for, else ``answer``."""

    version: DatasetVersion
    answer: Answer | None = None
    body: bytes | None = None
    truncated: bool = False
    cached: bool = False
    media: str | None = None


@dataclass(frozen=True)
class Limits:
    query_timeout: float = 5.0
    update_timeout: float = 30.0
    readers: int = 4
    client_concurrency: int = 2
    queue_timeout: float = 5.0
    max_answer_bytes: int = 32_000_000
    cache_bytes: int = 64_000_000
    remote_allow: tuple[str, ...] = ()


class AnswerCache:
    """Serialised answers of one dataset version, least recently used first, within a byte
    budget; an entry larger than an eighth of the budget is not kept. A budget of 0 is the
    cold switch (``ALLIANCE_GRAPH_ANSWER_CACHE=off``): nothing is kept, every request computes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.tag: str | None = None
        self._data: OrderedDict[Hashable, tuple[bytes, bool, str | None]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def clear(self, tag: str | None = None) -> None:
        self._data.clear()
        self.size = 0
        self.tag = tag

    def get(self, tag: str, key: Hashable) -> tuple[bytes, bool, str | None] | None:
        if tag != self.tag:
            self.clear(tag)
        if not self.budget:
            return None
        entry = self._data.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._data.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, tag: str, key: Hashable, payload: bytes, truncated: bool, media: str | None) -> None:
        if tag != self.tag:
            self.clear(tag)
        if not self.budget or len(payload) > self.budget // 8 or key in self._data:
            return
        self._data[key] = (payload, truncated, media)
        self.size += len(payload)
        while self.size > self.budget:
            _key, (old, _t, _m) = self._data.popitem(last=False)
            self.size -= len(old)


@dataclass
class _Process:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    opened: str | None = None


def _wait_readable(conn: Connection, timeout: float) -> asyncio.Future[bool]:
    """A future that is True once ``conn`` has data (or is closed), False on timeout."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[bool] = loop.create_future()
    fd = conn.fileno()

    def ready() -> None:
        if not future.done():
            future.set_result(True)

    def expire() -> None:
        if not future.done():
            future.set_result(False)

    loop.add_reader(fd, ready)
    handle = loop.call_later(timeout, expire)

    def cleanup(_f: asyncio.Future[bool]) -> None:
        handle.cancel()
        loop.remove_reader(fd)

    future.add_done_callback(cleanup)
    return future


class Executor:
    """Queries and updates for one store spec; see the module's docstring."""

    def __init__(self, spec: StoreSpec, var_dir: Path, limits: Limits) -> None:
        self.spec = spec
        self.var_dir = var_dir
        self.limits = limits
        self.location = StoreLocation(var_dir)
        self.cache = AnswerCache(limits.cache_bytes)
        self.sandboxed = not limits.remote_allow
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Process] = asyncio.Queue()
        self._readers: list[_Process] = []
        self._writer: _Process | None = None
        self._write_lock = asyncio.Lock()
        self._version: DatasetVersion | None = None
        self._build_target: str | None = None
        self._unavailable: str | None = None
        self._in_flight: dict[str, int] = {}
        self._closed = False
        self._local: Store | None = None
        self._local_lock = asyncio.Lock()
        self._memory_lock = threading.Lock()
        self._build_info: dict[str, Any] = {}
        self.restarts = 0
        self._pending: list[_Pending] = []
        self._drainer: asyncio.Task[None] | None = None
        self._snapshots: OrderedDict[str, tuple[DatasetVersion, dict[str, Any]]] = OrderedDict()

    # --- life cycle ---------------------------------------------------------------------------

    @property
    def local(self) -> bool:
        """Memory and remote stores run in the service process (no checkpoints, no readers)."""
        return self.spec.kind != "oxigraph"

    async def start(self) -> None:
        """Open the store and start every process, each proven ready by a query."""
        if self.local:
            self._local = await asyncio.to_thread(open_store, self.spec, _paths_for(self.var_dir))
            self._version = await asyncio.to_thread(self._local_version, 0)
            return
        await self.refresh()
        for _ in range(self.limits.readers):
            self._readers.append(self._start_reader())
        if self._version is not None:
            await asyncio.gather(*(self._probe(reader) for reader in self._readers))
        for reader in self._readers:
            self._idle.put_nowait(reader)

    async def _probe(self, reader: _Process, timeout: float = 60.0) -> None:
        """Prove a reader ready: it opens the newest checkpoint and answers a query."""
        version = self.version()
        reader.conn.send(("query", version.checkpoint, "ASK {}", {}, None, 1000, None))
        reader.opened = version.checkpoint
        reply = await self._receive(reader, timeout)
        if reply is None or reply[0] != "ok":
            raise StoreError(f"a query worker did not become ready: {reply[1:] if reply else 'no answer'}")

    async def close(self) -> None:
        self._closed = True
        for proc in [*self._readers, *([self._writer] if self._writer else [])]:
            with contextlib.suppress(OSError, ValueError):
                proc.conn.send(None)
        for proc in [*self._readers, *([self._writer] if self._writer else [])]:
            await asyncio.to_thread(proc.process.join, 2)
            if proc.process.is_alive():
                proc.process.kill()
        if self._local is not None:
            self._local.close()

    def _spawn(self, target: Any) -> _Process:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=target, args=(child, self.sandboxed), daemon=True)
        process.start()
        child.close()
        return _Process(process, parent)

    def _start_reader(self) -> _Process:
        return self._spawn(reader_main)

    @staticmethod
    def _kill(proc: _Process) -> None:
        proc.process.kill()
        proc.process.join(2)
        proc.conn.close()

    # --- versions -----------------------------------------------------------------------------

    def _local_version(self, sequence: int) -> DatasetVersion:
        """The version of a memory or remote store (counted in the service's own thread pool)."""
        from ..stats import build_info

        store = self._local
        assert store is not None
        if self.spec.kind == "remote":
            named = self._snapshot_version(None, sequence)
            if named is not None:
                self._build_info = named[1]
                return named[0]
        if not self._build_info:
            self._build_info = build_info(store)
        info = self._build_info
        return DatasetVersion(
            build=f"{self.spec.kind}-{info.get('created', 'unknown')}",
            data_commit=info.get("dataCommit"),
            ontology=info.get("ontologyVersion"),
            sequence=sequence,
            published=time.time(),
            triples=len(store),
            graphs=tuple(store.graph_names()),
        )

    def _snapshot_version(self, wanted: str | None, sequence: int) -> tuple[DatasetVersion, dict[str, Any]] | None:
        """The version and build facts of snapshot ``wanted`` (of whichever snapshot answers,
        when None), from a row in which the data names that snapshot; None if the data names no
        snapshot (a plain server) or no replica serving ``wanted`` answered. The snapshot's name
        is not counted among the dataset's triples: it says which copy answered."""
        from ..publish import SNAPSHOT_QUERY
        from ..results import plain

        store = self._local
        assert store is not None
        for _ in range(SNAPSHOT_TRIES if wanted else 1):
            rows = store.query(SNAPSHOT_QUERY).dicts()
            row = {k: plain(v) if v is not None else None for k, v in rows[0].items()} if rows else {}
            if row.get("snapshot") is None or (wanted is not None and str(row["snapshot"]) != wanted):
                continue
            info = {
                key: row[column]
                for key, column in (
                    ("created", "created"),
                    ("ontologyVersion", "ontologyVersion"),
                    ("softwareVersion", "softwareVersion"),
                    ("triples", "buildTriples"),
                )
                if row.get(column) is not None
            }
            version = DatasetVersion(
                build=f"{self.spec.kind}-{row.get('created') or 'unknown'}",
                data_commit=str(row["dataCommit"]) if row.get("dataCommit") else None,
                ontology=str(row["ontologyVersion"]) if row.get("ontologyVersion") else None,
                sequence=sequence,
                published=time.time(),
                triples=max(0, int(row.get("triples") or 0) - 1),
                graphs=tuple(store.graph_names()),
                snapshot=str(row["snapshot"]),
            )
            return version, info
        return None

    async def _answered_by(self, snapshot: str | None, version: DatasetVersion) -> DatasetVersion:
        """The version of the snapshot that computed a remote answer (see the module's docstring)."""
        if snapshot is None or snapshot == version.snapshot:
            return version
        known = self._snapshots.get(snapshot)
        if known is None:
            found = await asyncio.to_thread(self._snapshot_version, snapshot, version.sequence)
            known = found or (
                DatasetVersion(
                    build=f"{self.spec.kind}-unknown",
                    data_commit=None,
                    ontology=None,
                    sequence=version.sequence,
                    published=time.time(),
                    triples=0,
                    graphs=version.graphs,
                    snapshot=snapshot,
                ),
                {},
            )
            self._snapshots[snapshot] = known
            while len(self._snapshots) > 16:
                self._snapshots.popitem(last=False)
        if snapshot > (version.snapshot or ""):  # ids sort by publication time: the newest is current
            self._version, self._build_info = known[0], known[1] or self._build_info
        return known[0]

    def version(self) -> DatasetVersion:
        if self._version is None:
            raise StoreError(self._unavailable or "no graph has been built yet: run 'alliance-graph build'")
        return self._version

    def _link_target(self) -> str | None:
        try:
            return os.readlink(self.location.current)
        except OSError:
            return None

    async def refresh(self) -> None:
        """Follow a build that swapped ``var/current`` since the last request."""
        if self.local:
            return
        target = self._link_target()
        if target == self._build_target and self._writer is not None:
            return
        async with self._write_lock:
            target = self._link_target()
            if target == self._build_target and self._writer is not None:
                return
            if target is None:
                self._unavailable = "no graph has been built yet: run 'alliance-graph build'"
                return
            await self._open_writer(target)

    async def _open_writer(self, target: str) -> list[str]:
        """(Re)start the writer on ``target``; the tokens of updates it found committed."""
        if self._writer is not None:
            self._kill(self._writer)
        build_dir = (self.location.current.parent / target).resolve() if not os.path.isabs(target) else Path(target)
        checkpoints = self.var_dir / "checkpoints" / build_dir.name
        self._writer = self._spawn(writer_main)
        self._writer.conn.send(("open", str(build_dir), str(checkpoints)))
        reply = await self._receive(self._writer, 600.0)
        if reply is None or reply[0] != "ok":
            self._unavailable = "the store could not be opened"
            if reply is not None:
                log.error("the writer could not open the store: %s", reply[1:])
            return []
        _ok, recovered, info, published = reply
        self._build_target = target
        self._unavailable = None
        self._publish(build_dir.name, info, published)
        return [str(token) for token in recovered]

    def _publish(self, build: str, info: dict[str, Any], published: dict[str, Any]) -> None:
        graphs = tuple(g for g in published["graphs"] if g != PENDING_GRAPH)
        self._build_info = info
        self._version = DatasetVersion(
            build=build,
            data_commit=info.get("dataCommit"),
            ontology=info.get("ontologyVersion"),
            sequence=int(published["sequence"]),
            published=time.time(),
            triples=int(published["triples"]),
            graphs=graphs,
            checkpoint=str(published["checkpoint"]),
        )
        self.cache.clear(self._version.tag)
        self._collect_checkpoints()

    def _collect_checkpoints(self) -> None:
        """Delete checkpoints older than the newest that no reader has open."""
        if self._version is None or self._version.checkpoint is None:
            return
        newest = Path(self._version.checkpoint)
        in_use = {r.opened for r in self._readers} | {str(newest)}
        for old in newest.parent.iterdir():
            # only older ones: a newer folder is a checkpoint the writer is making right now
            if old.is_dir() and old.name < newest.name and str(old) not in in_use:
                shutil.rmtree(old, ignore_errors=True)
        for build in newest.parent.parent.iterdir():  # checkpoints of builds no longer served
            if build.is_dir() and build != newest.parent and not any(p.startswith(str(build)) for p in in_use if p):
                shutil.rmtree(build, ignore_errors=True)

    # --- talking to processes -----------------------------------------------------------------

    async def _receive(self, proc: _Process, timeout: float) -> tuple[Any, ...] | None:
        """The next message of a process, or None on timeout or if it died."""
        if not await _wait_readable(proc.conn, timeout):
            return None
        try:
            return proc.conn.recv()  # type: ignore[no-any-return]
        except (EOFError, OSError):
            return None

    # --- queries ------------------------------------------------------------------------------

    async def query(
        self,
        text: str,
        *,
        client: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        media: str | None = None,
    ) -> Result:
        """Run a query on the current dataset version; ``media`` asks for a serialised body."""
        check_remote(text, self.limits.remote_allow, update=False)
        await self.refresh()
        version = self.version()
        options = {"default_graphs": list(default_graphs or []), "named_graphs": list(named_graphs or [])}
        key = (text, tuple(options["default_graphs"]), tuple(options["named_graphs"]), max_rows, media)
        cached = self.cache.get(version.tag, key)
        if cached is not None:
            return _result(version, *cached, cached=True)
        if self._in_flight.get(client, 0) >= self.limits.client_concurrency:
            raise TooManyRequests(
                f"this client already has {self.limits.client_concurrency} queries running; retry when one ends"
            )
        self._in_flight[client] = self._in_flight.get(client, 0) + 1
        try:
            if self.local:
                payload, truncated, media, snapshot = await self._query_local(text, options, max_rows, media)
                version = await self._answered_by(snapshot, version)
            else:
                version, (payload, truncated, media) = await self._query_reader(text, options, max_rows, media)
        finally:
            self._in_flight[client] -= 1
            if not self._in_flight[client]:
                del self._in_flight[client]
        self.cache.put(version.tag, key, payload, truncated, media)
        return _result(version, payload, truncated, media)

    async def _query_reader(
        self, text: str, options: dict[str, Any], max_rows: int | None, media: str | None, *, retry: bool = True
    ) -> tuple[DatasetVersion, tuple[bytes, bool, str | None]]:
        """Run on the newest version when a reader takes the job (its checkpoint cannot be
        collected from then on, because the reader is marked as having it open). A reader that
        dies under a query (killed from outside, or crashed) is replaced and the query is run once
        more on a fresh one."""
        try:
            reader = await asyncio.wait_for(self._idle.get(), self.limits.queue_timeout)
        except TimeoutError:
            raise Busy("every query worker is busy; the query was not run") from None
        reply: tuple[Any, ...] | None = None
        died = False
        version = self.version()
        try:
            job = ("query", version.checkpoint, text, options, max_rows, self.limits.max_answer_bytes, media)
            reader.conn.send(job)
            reader.opened = version.checkpoint
            reply = await self._receive(reader, self.limits.query_timeout)
        except (OSError, ValueError):
            reply = None
        finally:
            if reply is None:
                died = not reader.process.is_alive()
                self._kill(reader)
                self.restarts += 1
                self._readers.remove(reader)
                if not self._closed:
                    reader = self._start_reader()
                    self._readers.append(reader)
            self._idle.put_nowait(reader)
            self._collect_checkpoints()
        if reply is None and died:
            log.warning("a query worker died under a query%s", "; running it again" if retry else "")
            if retry:
                self._replace_dead_idle()
                return await self._query_reader(text, options, max_rows, media, retry=False)
            raise QueryFailed("the query made its worker process fail twice; it was not run again")
        if reply is None:
            raise QueryTimeout(f"the query ran past the {self.limits.query_timeout:g} s time limit and was stopped")
        if reply[0] == "ok":
            return version, (reply[1], bool(reply[2]), reply[3])
        _raise(reply[1], reply[2])
        raise AssertionError("unreachable")

    def _replace_dead_idle(self) -> None:
        """Replace every idle reader whose process is gone (e.g. killed from outside)."""
        idle = []
        while not self._idle.empty():
            idle.append(self._idle.get_nowait())
        for reader in idle:
            if not reader.process.is_alive():
                self._kill(reader)
                self.restarts += 1
                self._readers.remove(reader)
                reader = self._start_reader()
                self._readers.append(reader)
            self._idle.put_nowait(reader)

    async def _query_local(
        self, text: str, options: dict[str, Any], max_rows: int | None, media: str | None
    ) -> tuple[bytes, bool, str | None, str | None]:
        """(payload, truncated, media, snapshot that answered) of a memory or remote query."""
        store = self._local
        assert store is not None
        deadline = time.monotonic() + self.limits.query_timeout

        def work() -> tuple[bytes, bool, str | None, str | None]:
            if self.spec.kind == "memory":  # rdflib's memory store is not safe beside an update
                with self._memory_lock:
                    return run()
            return run()

        def run() -> tuple[bytes, bool, str | None, str | None]:
            answer = store.query(
                text,
                default_graphs=options["default_graphs"] or None,
                named_graphs=options["named_graphs"] or None,
                max_rows=max_rows,
                deadline=deadline,
            )
            if media is None:
                return pickle.dumps(answer), answer.truncated, None, answer.snapshot
            from .serialize import fit_media, serialize_answer

            fitted = fit_media(answer, media)
            return serialize_answer(answer, fitted), answer.truncated, fitted, answer.snapshot

        try:
            return await asyncio.wait_for(asyncio.to_thread(work), self.limits.query_timeout + 0.1)
        except TimeoutError:
            raise QueryTimeout(
                f"the query ran past the {self.limits.query_timeout:g} s time limit and was stopped"
            ) from None

    # --- updates ------------------------------------------------------------------------------

    async def update(self, text: str) -> DatasetVersion:
        """Apply an update as one transaction; the version it created, or an error after which
        nothing of it is applied. Updates that arrive while the writer is busy are sent to it
        together (each still its own transaction) and share one published checkpoint."""
        check_remote(text, self.limits.remote_allow, update=True)
        if PENDING_GRAPH in text:
            raise QuerySyntaxError(f"<{PENDING_GRAPH}> is reserved by the service")
        if self.local:
            return await self._update_local(text)
        await self.refresh()
        item = _Pending(text, uuid.uuid4().hex, asyncio.get_running_loop().create_future())
        self._pending.append(item)
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        return await asyncio.shield(item.future)

    async def _drain(self) -> None:
        async with self._write_lock:
            while self._pending:
                batch = self._pending[:MAX_BATCH]
                del self._pending[: len(batch)]
                try:
                    await self._apply(batch)
                except Exception as exc:  # the writer could not be reached: none of these was applied
                    for item in batch:
                        if not item.future.done():
                            item.future.set_exception(exc)

    async def _apply(self, batch: list[_Pending]) -> None:
        if self._writer is not None and not self._writer.process.is_alive() and self._build_target is not None:
            log.warning("the writer process is gone (killed from outside?); starting a new one")
            await self._open_writer(self._build_target)  # it finds and publishes what had committed
        writer = self._writer
        if writer is None or self._version is None:
            raise StoreError(self._unavailable or "no graph has been built yet")
        writer.conn.send(("batch", [(item.text, item.token) for item in batch]))
        committed: list[_Pending] = []
        for index, item in enumerate(batch):
            reply = await self._receive(writer, self.limits.update_timeout)
            if reply is None:  # past the limit, or the writer died: stop it, then find out
                await self._stopped(writer, batch, index, committed)
                return
            if reply[0] == "committed":
                committed.append(item)
            else:
                item.future.set_exception(_exception(reply[2], reply[3]))
        published = await self._receive(writer, 600.0)
        if published is None or published[0] != "ok":
            assert self._build_target is not None
            await self._open_writer(self._build_target)  # committed: the reopened writer publishes them
        else:
            self._publish(self.version().build, self._build_info, published[1])
        for item in committed:
            item.future.set_result(self.version())

    async def _stopped(self, writer: _Process, batch: list[_Pending], index: int, committed: list[_Pending]) -> None:
        """The writer overran on ``batch[index]``: kill it, learn from the restarted writer which
        updates committed (their tokens), answer the stopped one, and queue the ones not started."""
        died = not writer.process.is_alive()
        log.warning("update stopped (%s); checking whether it committed", "writer died" if died else "time limit")
        writer.process.kill()
        writer.process.join(5)
        said: set[int] = set()
        with contextlib.suppress(EOFError, OSError):  # a "committed" sent just at the limit
            while writer.conn.poll(0):
                message = writer.conn.recv()
                if message[0] == "committed":
                    said.add(int(message[1]))
        assert self._build_target is not None
        recovered = set(await self._open_writer(self._build_target))
        current = batch[index]
        if current.token in recovered or index in said:
            log.warning("the stopped update had committed; it is acknowledged")
            committed.append(current)
        else:
            current.future.set_exception(
                UpdateNotApplied(
                    (
                        "the writer process failed during the update"
                        if died
                        else f"the update ran past the {self.limits.update_timeout:g} s time limit and was stopped"
                    )
                    + "; it was not applied (nothing of it was written)"
                )
            )
        self._pending[0:0] = batch[index + 1 :]  # never started: they run next, in order
        for item in committed:
            item.future.set_result(self.version())

    async def _update_local(self, text: str) -> DatasetVersion:
        store = self._local
        assert store is not None

        def apply() -> None:
            with self._memory_lock:
                store.update(text)

        async with self._local_lock:
            await asyncio.to_thread(apply)
            self._version = await asyncio.to_thread(self._local_version, self.version().sequence + 1)
            self.cache.clear(self._version.tag)
            return self._version

    # --- health -------------------------------------------------------------------------------

    async def ready(self) -> bool:
        """A query really runs through a reader."""
        try:
            result = await self.query(
                f"ASK {{ <urn:x-alliance-graph:ready:{uuid.uuid4().hex}> ?p ?o }}", client="readyz"
            )
        except Exception:
            return False
        return result.answer is not None and result.answer.boolean is False

    def stats(self) -> dict[str, Any]:
        return {
            "readers": len(self._readers),
            "restarts": self.restarts,
            "idle": self._idle.qsize(),
            "cache": {"entries": len(self.cache._data), "bytes": self.cache.size, "hits": self.cache.hits},
            "sandboxed": self.sandboxed,
        }

    def graph_names(self) -> list[str]:
        return list(self.version().graphs)


def _result(
    version: DatasetVersion, payload: bytes, truncated: bool, media: str | None, *, cached: bool = False
) -> Result:
    if media is None:  # a pickle made by this service's own reader processes, never by a client
        return Result(version, answer=pickle.loads(payload), truncated=truncated, cached=cached)  # noqa: S301
    return Result(version, body=payload, truncated=truncated, cached=cached, media=media)


def _paths_for(var_dir: Path) -> Any:
    from ..paths import project

    return project()


__all__ = [
    "AnswerCache",
    "Busy",
    "DatasetVersion",
    "Executor",
    "Limits",
    "QueryFailed",
    "QueryTooComplex",
    "Result",
    "TooManyRequests",
    "UnreadableRequest",
    "UpdateNotApplied",
]
