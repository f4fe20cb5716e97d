"""rdflib's in-memory Dataset as a store: slow, but with no files and no native engine (tiny tests)."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Dataset, Graph, URIRef

from ..namespaces import PREFIXES, sparql_prefix_block
from .base import Answer, QuerySyntaxError, Store, collect_rows, serialize_union


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
