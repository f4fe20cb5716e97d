"""SHACL validation of the compiled data, reported in the words of the data files.

pyshacl reports focus nodes as IRIs; a contributor needs the file and the record id, so each
finding is mapped back through the compilation's record locations.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .compile import Compilation
from .namespaces import shorten
from .shacl_sparql import Unsupported, compile_shapes, run_checks

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    """One SHACL result, located in a data file where possible."""

    file: str
    record: str
    path: str
    message: str
    severity: str

    def __str__(self) -> str:
        path = f": {self.path}" if self.path else ""
        return f"{self.file}: {self.record}{path}: {self.message} [{self.severity}]"


def data_view(compilation: Compilation, *extra: Graph) -> Graph:
    """Every compiled file and the extra graphs (schema, states) in one graph to validate."""
    graph = Graph()
    for part in extra:
        graph += part
    for compiled in compilation.files:
        graph += compiled.graph
    return graph


class ShapesError(ValueError):
    """The shapes graph itself is broken (pyshacl cannot run it); the message says how."""


def data_store(compilation: Compilation, *extra: Graph) -> ox.Store:
    """``data_view`` as an in-memory Oxigraph store (its default graph), parsed by Oxigraph."""
    store = ox.Store()
    for part in (*extra, *(compiled.graph for compiled in compilation.files)):
        store.bulk_load(part.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def validate_store(store: ox.Store, shapes: Graph, compilation: Compilation) -> list[Violation]:
    """Validate the data view in ``store`` (its default graph).

    The shapes run as SPARQL queries on the store (``shacl_sparql``); shapes that module does not
    translate are validated by pyshacl on the store's triples instead, with the same findings.
    """
    try:
        checks = compile_shapes(shapes)
    except Unsupported:
        data = Graph()
        triples = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
        data.parse(data=triples.decode("utf-8"), format="nt")
        return run_shacl(data, shapes, compilation)
    try:
        findings = run_checks(store, checks)
    except (SyntaxError, ValueError) as exc:
        raise ShapesError(f"the SHACL shapes cannot be run: {exc}") from exc
    where = compilation.record_locations()
    found: list[Violation] = []
    for finding in findings:
        focus = URIRef(finding.focus.value) if isinstance(finding.focus, ox.NamedNode) else None
        located = where.get(focus) if focus is not None else None
        file, record = located or ("(generated)", shorten(str(focus or finding.focus)))
        path = shorten(str(finding.path)) if finding.path is not None else ""
        found.append(Violation(file, record, path, finding.message, finding.severity))
    return sorted(found, key=lambda v: (v.file, v.record, v.path, v.message))


def run_shacl(data: Graph, shapes: Graph, compilation: Compilation) -> list[Violation]:
    """Validate ``data`` against ``shapes``; an empty list means it conforms."""
    _conforms, results, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    if not isinstance(results, Graph):  # pyshacl reports a shape it cannot run instead of a report
        raise ShapesError(f"the SHACL shapes cannot be run: {' '.join(str(_text).split())}")
    where = compilation.record_locations()
    found: list[Violation] = []
    for result in results.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        focus = results.value(result, URIRef(SH + "focusNode"))
        path = results.value(result, URIRef(SH + "resultPath"))
        message = results.value(result, URIRef(SH + "resultMessage"))
        severity = results.value(result, URIRef(SH + "resultSeverity"))
        located = where.get(focus) if isinstance(focus, URIRef) else None
        file, record = located or ("(generated)", shorten(str(focus)))
        found.append(
            Violation(
                file=file,
                record=record,
                path=shorten(str(path)) if isinstance(path, URIRef) else "",
                message=str(message) if message is not None else "violates a shape",
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            )
        )
    return sorted(found, key=lambda v: (v.file, v.record, v.path, v.message))
