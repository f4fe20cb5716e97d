"""The store interface, the answers it gives, and the errors it raises (shared by every backend)."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..namespaces import PREFIXES


class StoreError(Exception):
    """The store cannot be opened or used; the message says why in one line."""


class StoreFull(StoreError):
    """The disk holding the store is full; whatever was being written was not applied."""


class QuerySyntaxError(ValueError):
    """The SPARQL text does not parse; the message has the position where the engine gives it."""


class QueryTimeout(TimeoutError):
    """The query ran past its deadline and was stopped."""


class AnswerTooLarge(ValueError):
    """The answer would exceed the byte budget of one answer; nothing was sent."""


@dataclass
class Answer:
    """A query's answer, materialised: rows of rdflib terms, a boolean, or a graph."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False
    #: The snapshot that computed the answer, where the store can tell (read replicas).
    snapshot: str | None = None

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
        """Where the store is, for the command line (the service never shows it)."""
        return "memory"

    def close(self) -> None:  # noqa: B027 - most stores have nothing to release
        """Release the store."""


def check_deadline(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeout("the query ran past its time limit and was stopped")


def collect_rows(
    solutions: Iterable[Iterable[Node | None]], max_rows: int | None, deadline: float | None
) -> tuple[list[tuple[Node | None, ...]], bool]:
    """Materialise solutions up to ``max_rows``, checking the deadline between rows; the flag
    says whether rows were cut."""
    rows: list[tuple[Node | None, ...]] = []
    for solution in solutions:
        check_deadline(deadline)
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
        union.add(triple)
    return union.serialize(format=fmt, encoding="utf-8")
