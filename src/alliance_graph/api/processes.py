"""The code that runs inside the executor's processes: one writer, several readers.

Only :mod:`.executor` starts these processes and speaks their protocol (tuples over a pipe).
Each process first hardens itself: it dies with its parent (``PR_SET_PDEATHSIG``, so a
``kill -9`` of the service cannot leave a writer holding the store), and, unless the operator
allows remote addresses, it moves into a network namespace of its own where no address is
reachable, so that even a request that slipped past the parsed SERVICE/LOAD check could not
reach the network.

Readers open only checkpoints (immutable copies made by ``Store.backup``), never the store the
writer writes; they materialise an answer within a byte budget and send it back already
serialised, so the service's event loop never builds or serialises a large answer.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import shutil
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
#: The hidden graph an update writes its token into, in the same transaction; the writer removes
#: it before publishing, and after a crash its presence proves the update committed.
PENDING_GRAPH = "urn:x-alliance-graph:pending-update"
PENDING_TOKEN = "urn:x-alliance-graph:token"  # noqa: S105 (an IRI naming the marker, not a secret)
#: Set only by the fault tests: the writer fails every update as if the disk were full.
FAULT_ENV = "ALLIANCE_GRAPH_FAULT_INJECT"


def harden(sandbox: bool) -> bool:
    """Die with the parent; with ``sandbox``, leave the network. True when the sandbox holds."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before the line above took effect
        os._exit(1)
    if not sandbox:
        return False
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    with contextlib.suppress(OSError):
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    return True


def _error(exc: BaseException) -> tuple[str, str, str]:
    return ("error", type(exc).__name__, str(exc))


# --- readers ----------------------------------------------------------------------------------


def _term_size(term: Any) -> int:
    return 8 if term is None else len(str(term)) + 24


def run_query(
    store: Any, text: str, options: dict[str, Any], max_rows: int | None, max_bytes: int, media: str | None
) -> tuple[bytes, bool, str | None]:
    """Run one query on an open checkpoint; (payload, truncated, media). The payload is the
    answer serialised in ``media`` (or the first type of the answer's kind when the text's form
    was guessed wrong), or a pickled ``Answer`` when ``media`` is None."""
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.term import Node

    from ..store import Answer, AnswerTooLarge
    from ..store.embedded import dataset_options, ox_query, rdf_term, rdf_triple

    def too_large() -> AnswerTooLarge:
        return AnswerTooLarge(
            f"the answer is larger than the {max_bytes} bytes this service sends; add a LIMIT or select less"
        )

    result = ox_query(store, text, dataset_options(text, options.get("default_graphs"), options.get("named_graphs")))
    size = 0
    truncated = False
    if isinstance(result, ox.QueryBoolean):
        answer = Answer("ASK", boolean=bool(result))
    elif isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows: list[tuple[Node | None, ...]] = []
        for solution in result:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            row = tuple(None if t is None else rdf_term(t) for t in solution)
            size += sum(_term_size(t) for t in row)
            if size > max_bytes:
                raise too_large()
            rows.append(row)
        answer = Answer("SELECT", variables, rows, truncated=truncated)
    else:
        graph = Graph()
        for triple in result:  # type: ignore[attr-defined]
            converted = rdf_triple(triple)
            size += sum(_term_size(t) for t in converted)
            if size > max_bytes:
                raise too_large()
            graph.add(converted)
        answer = Answer("CONSTRUCT", graph=graph)
    if media is None:
        payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    else:
        from .serialize import fit_media, serialize_answer

        media = fit_media(answer, media)
        payload = serialize_answer(answer, media)
    if len(payload) > max_bytes:
        raise too_large()
    return payload, truncated, media


def reader_main(conn: Connection, sandbox: bool) -> None:
    """Reader loop: ``("query", checkpoint, text, options, max_rows, max_bytes, media)`` jobs
    until told to stop (``None``), the pipe closes, or the process is killed."""
    harden(sandbox)
    import pyoxigraph as ox

    store: Any = None
    opened: str | None = None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        _kind, checkpoint, text, options, max_rows, max_bytes, media = job
        try:
            if opened != checkpoint:
                store = None
                store = ox.Store.read_only(checkpoint)
                opened = checkpoint
            reply: tuple[Any, ...] = ("ok", *run_query(store, text, options, max_rows, max_bytes, media))
        except Exception as exc:  # every failure goes back to the service as a message
            reply = _error(exc)
        conn.send(reply)


# --- the writer -------------------------------------------------------------------------------


def _read_sequence(path: Path) -> int:
    try:
        return int(path.read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def _write_sequence(path: Path, value: int) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as handle:
        handle.write(str(value))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class Writer:
    """The one process that writes the store: updates, then a published checkpoint."""

    def __init__(self, build_dir: Path, checkpoints: Path) -> None:
        from ..store import OxigraphStore

        self.checkpoints = checkpoints
        checkpoints.mkdir(parents=True, exist_ok=True)
        self.store = OxigraphStore(build_dir)
        self.sequence_file = checkpoints / "sequence"
        self.sequence = _read_sequence(self.sequence_file)

    def recover(self) -> list[str]:
        """The tokens of updates that committed before a crash; the markers are removed."""
        answer = self.store.query(f"SELECT ?t WHERE {{ GRAPH <{PENDING_GRAPH}> {{ ?s <{PENDING_TOKEN}> ?t }} }}")
        if answer.rows:
            self.store.update(f"DROP SILENT GRAPH <{PENDING_GRAPH}>")
        return [str(row[0]) for row in answer.rows]

    def info(self) -> dict[str, Any]:
        from ..stats import build_info

        info = build_info(self.store)
        from ..namespaces import AG, GRAPH_META

        commit = self.store.query(
            f"SELECT ?c WHERE {{ GRAPH {GRAPH_META.n3()} {{ ?b {AG.dataCommit.n3()} ?c }} }} LIMIT 1"
        )
        info["dataCommit"] = str(commit.rows[0][0]) if commit.rows else None
        return info

    def publish(self) -> dict[str, Any]:
        """A new checkpoint with the next sequence number (persisted before it is used)."""
        self.sequence += 1
        _write_sequence(self.sequence_file, self.sequence)
        target = self.checkpoints / f"{self.sequence:010d}"
        for attempt in range(10):
            for leftover in (target, target.with_name(target.name + ".tmp")):
                shutil.rmtree(leftover, ignore_errors=True)
            try:
                self.store.backup(target)
                break
            except FileNotFoundError:
                # RocksDB compaction removed a file the checkpoint was linking; measured here
                # under 4 concurrent writers, a retry after the compaction succeeds
                if attempt == 9:
                    raise
                time.sleep(0.02 * (attempt + 1))
        return {
            "sequence": self.sequence,
            "checkpoint": str(target),
            "triples": len(self.store),
            "graphs": self.store.graph_names(),
        }

    def update(self, text: str, token: str) -> None:
        if os.environ.get(FAULT_ENV) == "enospc":
            from ..store import StoreFull

            raise StoreFull("the disk holding the store is full; the update was not applied")
        body = text.rstrip()
        if body.endswith(";"):
            body = body[:-1]
        marker = f'INSERT DATA {{ GRAPH <{PENDING_GRAPH}> {{ <urn:uuid:{token}> <{PENDING_TOKEN}> "{token}" }} }}'
        self.store.update(f"{body}\n;\n{marker}" if body.strip() else marker)

    def finish(self) -> None:
        self.store.update(f"DROP SILENT GRAPH <{PENDING_GRAPH}>")


def writer_main(conn: Connection, sandbox: bool) -> None:
    """Writer loop. ``("open", build_dir, checkpoints)`` → ``("ok", recovered_tokens, info,
    published)``; ``("batch", [(text, token), …])`` → per update ``("committed", i)`` as soon as
    its transaction is durable (or ``("error", i, kind, message)``), then ``("ok", published)``."""
    harden(sandbox)
    writer: Writer | None = None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            if writer is not None:
                writer.store.close()
            return
        try:
            if job[0] == "open":
                if writer is not None:
                    writer.store.close()
                    writer = None
                writer = Writer(Path(job[1]), Path(job[2]))
                recovered = writer.recover()
                conn.send(("ok", recovered, writer.info(), writer.publish()))
            elif job[0] == "batch":
                assert writer is not None, "the writer has no store open"
                for index, (text, token) in enumerate(job[1]):
                    try:
                        writer.update(text, token)
                    except Exception as exc:  # this update alone failed (its transaction rolled back)
                        conn.send(("error", index, type(exc).__name__, str(exc)))
                    else:
                        conn.send(("committed", index))
                writer.finish()
                conn.send(("ok", writer.publish()))
        except Exception as exc:
            conn.send(_error(exc))
