"""The default backend: pyoxigraph on disk (or in memory when no path is given), queried natively.

A query that names no dataset (no ``FROM``, no protocol ``default-graph-uri``) sees the union of
the named graphs as its default graph; one that names its own sees exactly that dataset
(``use_default_graph_as_union`` would override the query's ``FROM``).
"""

from __future__ import annotations

import errno
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from oxrdflib._converter import from_ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..namespaces import PREFIXES
from .analysis import names_dataset
from .base import Answer, QuerySyntaxError, Store, StoreError, StoreFull, check_deadline, collect_rows, serialize_union


def dataset_options(
    text: str, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None
) -> dict[str, object]:
    """pyoxigraph's keyword arguments for the dataset a query asks for."""
    options: dict[str, object] = {"prefixes": PREFIXES}
    if default_graphs or named_graphs:  # the protocol's dataset: exactly the graphs it names
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()]
    elif not names_dataset(text):
        options["use_default_graph_as_union"] = True
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    return options


def is_disk_full(exc: BaseException) -> bool:
    return getattr(exc, "errno", None) == errno.ENOSPC or "No space left" in str(exc)


def ox_query(store: ox.Store, text: str, options: dict[str, object]) -> object:
    """Run a query natively; a syntax error becomes ``QuerySyntaxError``."""
    try:
        return store.query(text, **options)  # type: ignore[arg-type]
    except SyntaxError as exc:
        raise QuerySyntaxError(str(exc)) from exc
    except ValueError as exc:  # an invalid IRI given as a dataset graph
        raise QuerySyntaxError(str(exc)) from exc


def rdf_term(value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """An rdflib term for a pyoxigraph term."""
    return cast(Node, from_ox(value))


def rdf_triple(value: ox.Triple) -> tuple[Node, Node, Node]:
    """An rdflib triple for a pyoxigraph triple."""
    return cast("tuple[Node, Node, Node]", from_ox(value))


def rdf_rows(result: ox.QuerySolutions) -> Iterator[Iterator[Node | None]]:
    return ((None if t is None else rdf_term(t) for t in solution) for solution in result)


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
            if is_disk_full(exc):
                raise StoreFull("the disk holding the store is full") from exc
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
        result = ox_query(self._store, text, dataset_options(text, default_graphs, named_graphs))
        if isinstance(result, ox.QueryBoolean):
            return Answer("ASK", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows, truncated = collect_rows(rdf_rows(result), max_rows, deadline)
            return Answer("SELECT", variables, rows, truncated=truncated)
        graph = Graph()
        for triple in result:  # type: ignore[attr-defined]
            check_deadline(deadline)
            graph.add(rdf_triple(triple))
        return Answer("CONSTRUCT", graph=graph)

    def update(self, text: str) -> None:
        try:
            self._store.update(text, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            if is_disk_full(exc):
                raise StoreFull("the disk holding the store is full; the update was not applied") from exc
            raise

    def load_graph(self, name: URIRef, graph: Graph) -> None:
        self.load_ntriples(name, graph.serialize(format="nt", encoding="utf-8"))

    def load_ntriples(self, name: URIRef, data: bytes) -> None:
        """Bulk-load N-Triples into the named graph ``name`` (Oxigraph parses them)."""
        self._store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))

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

    def backup(self, target: Path) -> None:
        """A consistent checkpoint of the store at ``target`` (hard links where possible)."""
        try:
            self._store.backup(str(target))
        except OSError as exc:
            if is_disk_full(exc):
                raise StoreFull("the disk holding the store is full") from exc
            raise

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()
        del self._store
