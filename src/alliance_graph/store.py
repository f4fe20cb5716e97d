"""The triple store behind build, CLI and service, with one switch between backends.

``ALLIANCE_GRAPH_STORE`` (or ``--store``) picks it: ``oxigraph`` (default, on disk under
``var/``), ``memory`` (rdflib, for tiny tests). Queries on Oxigraph run natively in pyoxigraph with
the union of named graphs as the default graph, the project's prefixes predeclared and the SPARQL
protocol's dataset (default/named graph IRIs) passed through; design.md explains why rdflib's own
engine is kept off that path.

Builds are atomic on disk: each build writes a fresh store directory and then swaps the
``current`` symlink to it in one rename, so a failed build leaves the previous store serving.
"""

from __future__ import annotations

import os
import shutil
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from oxrdflib._converter import from_ox, to_ox
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from .namespaces import PREFIXES, sparql_prefix_block

ENV_STORE = "ALLIANCE_GRAPH_STORE"


class StoreError(Exception):
    """The store cannot be opened or used; the message says why in one line."""


class QuerySyntaxError(ValueError):
    """The SPARQL text does not parse; the message has the position where the engine gives it."""


@dataclass
class Answer:
    """A query's answer, materialised: rows of rdflib terms, a boolean, or a graph."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


class Store(ABC):
    """What build, CLI and service need of a store."""

    name: str

    @abstractmethod
    def query(
        self,
        text: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        deadline: float | None = None,
    ) -> Answer: ...

    @abstractmethod
    def update(self, text: str) -> None: ...

    @abstractmethod
    def load_graph(self, name: URIRef, graph: Graph) -> None: ...

    @abstractmethod
    def graph_names(self) -> list[str]: ...

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def dump(self, fmt: str) -> bytes: ...

    @property
    def location(self) -> str:
        """Where the store is, for health reports."""
        return "memory"

    def close(self) -> None:  # noqa: B027 - most stores have nothing to release
        """Release the store."""


class QueryTimeout(TimeoutError):
    """The query ran past its deadline and was stopped."""


def _check_deadline(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeout("the query ran past its time limit and was stopped")


def collect_rows(
    solutions: Iterable[Iterable[Node | None]], max_rows: int | None, deadline: float | None
) -> tuple[list[tuple[Node | None, ...]], bool]:
    """Materialise solutions up to ``max_rows``, checking the deadline between rows; the flag
    says whether rows were cut."""
    rows: list[tuple[Node | None, ...]] = []
    for solution in solutions:
        _check_deadline(deadline)
        if max_rows is not None and len(rows) >= max_rows:
            return rows, True
        rows.append(tuple(solution))
    return rows, False


def serialize_union(triples: Iterable[tuple[Node, Node, Node]], fmt: str) -> bytes:
    """Every triple of every graph in one graph, in a triple syntax, with the project prefixes."""
    union = Graph()
    for prefix, iri in PREFIXES.items():
        union.bind(prefix, iri, override=True)
    for triple in triples:
        union.add(triple)  # type: ignore[arg-type]
    return union.serialize(format=fmt, encoding="utf-8")


class OxigraphStore(Store):
    """pyoxigraph on disk (or in memory when ``path`` is None), queried natively."""

    name = "oxigraph"

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    @property
    def location(self) -> str:
        return str(self.path) if self.path is not None else "memory"

    @property
    def native(self) -> ox.Store:
        return self._store

    def query(
        self,
        text: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        deadline: float | None = None,
    ) -> Answer:
        options: dict[str, object] = {"prefixes": PREFIXES}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            options["use_default_graph_as_union"] = True
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self._store.query(text, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        if isinstance(result, ox.QueryBoolean):
            return Answer("ASK", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            converted = ((None if t is None else from_ox(t) for t in solution) for solution in result)
            rows, truncated = collect_rows(converted, max_rows, deadline)
            return Answer("SELECT", variables, rows, truncated=truncated)
        graph = Graph()
        for triple in result:
            _check_deadline(deadline)
            graph.add(from_ox(triple))  # type: ignore[arg-type]
        return Answer("CONSTRUCT", graph=graph)

    def update(self, text: str) -> None:
        try:
            self._store.update(text, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc

    def load_graph(self, name: URIRef, graph: Graph) -> None:
        data = graph.serialize(format="nt", encoding="utf-8")
        self._store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=to_ox(name))

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def dump(self, fmt: str) -> bytes:
        formats = {
            "nquads": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG,
        }
        if fmt in formats:
            return self._store.dump(format=formats[fmt]) or b""
        return serialize_union(
            ((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in self._store),  # type: ignore[misc]
            fmt,
        )

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()
        del self._store


class MemoryStore(Store):
    """rdflib's in-memory Dataset: slow, but with no files and no native engine."""

    name = "memory"

    def __init__(self) -> None:
        self.dataset = Dataset(default_union=True)
        for prefix, iri in PREFIXES.items():
            self.dataset.bind(prefix, iri, override=True)

    def query(
        self,
        text: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        deadline: float | None = None,
    ) -> Answer:
        target: Dataset | Graph = self.dataset
        if default_graphs:
            view = Graph()
            for name in default_graphs:
                view += self.dataset.graph(URIRef(name))
            target = view
        try:
            result = target.query(sparql_prefix_block() + text)
        except Exception as exc:  # rdflib raises pyparsing errors of several kinds
            if type(exc).__name__ in {"ParseException", "ParseSyntaxException"}:
                raise QuerySyntaxError(str(exc)) from exc
            raise
        if result.type == "ASK":
            return Answer("ASK", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            variables = [str(v) for v in result.vars or []]
            rows, truncated = collect_rows(result, max_rows, deadline)  # type: ignore[arg-type]
            return Answer("SELECT", variables, rows, truncated=truncated)
        graph = Graph()
        for triple in result:
            graph.add(triple)  # type: ignore[arg-type]
        return Answer("CONSTRUCT", graph=graph)

    def update(self, text: str) -> None:
        self.dataset.update(sparql_prefix_block() + text)

    def load_graph(self, name: URIRef, graph: Graph) -> None:
        target = self.dataset.graph(name)
        target.remove((None, None, None))
        target += graph

    def graph_names(self) -> list[str]:
        return sorted(
            str(g.identifier) for g in self.dataset.graphs() if isinstance(g.identifier, URIRef) and len(g) > 0
        )

    def __len__(self) -> int:
        return sum(len(g) for g in self.dataset.graphs())

    def dump(self, fmt: str) -> bytes:
        if fmt in {"nquads", "trig"}:
            return self.dataset.serialize(format=fmt, encoding="utf-8")
        return serialize_union(((s, p, o) for s, p, o, _g in self.dataset.quads((None, None, None, None))), fmt)


class StoreLocation:
    """The on-disk home of Oxigraph stores: one folder per build and a ``current`` symlink."""

    def __init__(self, var_dir: Path) -> None:
        self.root = var_dir / "stores"
        self.current = var_dir / "current"

    def new_build_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = self.root / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
        return path

    def current_dir(self) -> Path | None:
        if self.current.is_symlink() or self.current.exists():
            target = self.current.resolve()
            return target if target.exists() else None
        return None

    def activate(self, build_dir: Path) -> None:
        """Point ``current`` at ``build_dir`` atomically, then remove builds older than the
        previous one (kept so that a server still reading it is not pulled from under)."""
        previous = self.current_dir()
        link = self.current.with_name(self.current.name + ".swap")
        with suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(build_dir.resolve())
        os.replace(link, self.current)
        self.prune(keep={build_dir.resolve(), *([previous] if previous else [])})

    def prune(self, keep: set[Path]) -> None:
        for old in self.iter_builds():
            if old.resolve() not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def iter_builds(self) -> Iterator[Path]:
        if self.root.is_dir():
            yield from (p for p in self.root.iterdir() if p.is_dir())


def backend_name(explicit: str | None = None) -> str:
    """The backend asked for by ``--store`` or the environment: ``oxigraph`` (default),
    ``memory``, or a remote server as ``sparql+http://host:port/path``."""
    name = (explicit or os.environ.get(ENV_STORE) or "oxigraph").strip()
    if name in {"oxigraph", "memory"} or name.startswith(("sparql+http://", "sparql+https://")):
        return name
    raise StoreError(f"unknown store {name!r}: use oxigraph, memory or sparql+http://host:port/path")


def open_current(var_dir: Path, *, read_only: bool = True) -> OxigraphStore:
    """Open the store the last successful build activated."""
    location = StoreLocation(var_dir)
    path = location.current_dir()
    if path is None:
        raise StoreError(f"no graph has been built yet under {var_dir}: run 'alliance-graph build'")
    return OxigraphStore(path, read_only=read_only)
