"""Answers in the W3C result formats (SPARQL JSON, XML, CSV, TSV) and the RDF syntaxes.

SPARQL JSON and TSV are written here (TSV is not among rdflib's serialisers, and JSON is on the
hot path); XML and CSV use rdflib's result serialisers, RDF syntaxes rdflib's graph serialisers.
"""

from __future__ import annotations

import json
from typing import Any, cast

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Identifier, Node

from ..namespaces import PREFIXES
from ..store import Answer

RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


def _json_term(term: Node) -> dict[str, Any]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out: dict[str, Any] = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = str(term.datatype)
    return out


def results_json(answer: Answer) -> bytes:
    if answer.kind == "ASK":
        return json.dumps({"head": {}, "boolean": bool(answer.boolean)}).encode()
    bindings = [
        {var: _json_term(term) for var, term in zip(answer.variables, row, strict=True) if term is not None}
        for row in answer.rows
    ]
    return json.dumps(
        {"head": {"vars": answer.variables}, "results": {"bindings": bindings}}, ensure_ascii=False
    ).encode("utf-8")


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return term.n3()


def results_tsv(answer: Answer) -> bytes:
    if answer.kind == "ASK":
        return b"?_askResult\n" + (b"true\n" if answer.boolean else b"false\n")
    lines = ["\t".join(f"?{v}" for v in answer.variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in answer.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _rdflib_result(answer: Answer) -> Result:
    result = Result(answer.kind)
    if answer.kind == "ASK":
        result.askAnswer = bool(answer.boolean)
    else:
        result.vars = [Variable(v) for v in answer.variables]
        result.bindings = [
            {Variable(v): cast(Identifier, t) for v, t in zip(answer.variables, row, strict=True) if t is not None}
            for row in answer.rows
        ]
    return result


#: A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("integer", "decimal", "double", "float", "int", "long")}


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text: formula-like values get a leading apostrophe."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _csv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and str(term.datatype) in _NUMERIC:
        return str(term)
    return neutralise(str(term))


def _csv_line(cells: list[str]) -> str:
    out = []
    for cell in cells:
        if any(c in cell for c in ',"\r\n'):
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    return ",".join(out) + "\r\n"


def results_csv(answer: Answer) -> bytes:
    """SPARQL 1.1 CSV results, with formula-like text cells neutralised."""
    if answer.kind == "ASK":
        return b"_askResult\r\n" + (b"true\r\n" if answer.boolean else b"false\r\n")
    lines = [_csv_line(list(answer.variables))]
    lines += [_csv_line([_csv_term(t) for t in row]) for row in answer.rows]
    return "".join(lines).encode("utf-8")


def results_xml(answer: Answer) -> bytes:
    return _rdflib_result(answer).serialize(format="xml") or b""


def serialize_results(answer: Answer, media: str) -> bytes:
    if media == "application/sparql-results+json":
        return results_json(answer)
    if media == "text/tab-separated-values":
        return results_tsv(answer)
    if media == "text/csv":
        return results_csv(answer)
    return results_xml(answer)


def serialize_graph(graph: Graph, media: str) -> bytes:
    fmt = RDF_FORMATS[media]
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    if fmt in {"nquads", "trig"}:
        from rdflib import Dataset

        dataset = Dataset()
        dataset.default_context += graph
        return dataset.serialize(format=fmt, encoding="utf-8")
    return graph.serialize(format=fmt, encoding="utf-8")


def serialize_answer(answer: Answer, media: str) -> bytes:
    """Any answer in the media type negotiated for it (a graph, or results)."""
    if answer.kind == "CONSTRUCT":
        assert answer.graph is not None
        return serialize_graph(answer.graph, media)
    return serialize_results(answer, media)


def fit_media(answer: Answer, media: str) -> str:
    """``media`` if it suits the answer's kind, else the first type that does."""
    graph = answer.kind == "CONSTRUCT"
    if graph == (media in RDF_FORMATS):
        return media
    return "text/turtle" if graph else "application/sparql-results+json"
