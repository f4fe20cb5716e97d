"""The ontology quality report, in the spirit of ROBOT report and the OOPS! pitfall catalogue.

Each rule yields findings with a level: ``error`` fails ``alliance-graph ontology check``,
``warn`` and ``info`` are shown. Rules look at the project's own terms (``ag:``) and at the use
of terms in ``data/`` and ``queries/``, where an undeclared term would silently match nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ..namespaces import AG, ONTOLOGY_IRI, shorten
from ..paths import ProjectPaths

LEVELS = ("error", "warn", "info")
_AG_TERM = re.compile(r"\bag:([A-Za-z_][A-Za-z0-9_-]*)")


@dataclass(frozen=True, order=True)
class Finding:
    """One result of one rule about one term."""

    level: str
    rule: str
    term: str
    message: str

    def __str__(self) -> str:
        return f"{self.level.upper():5} {self.rule:<22} {self.term}: {self.message}"


def _own(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(t for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef) and t.startswith(str(AG)))


def declared_terms(graph: Graph) -> set[str]:
    """Local names of every ``ag:`` term the ontology declares."""
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {str(t)[len(str(AG)) :] for kind in kinds for t in _own(graph, kind)}


def check_header(graph: Graph) -> Iterator[Finding]:
    required = {
        OWL.versionIRI: "version IRI",
        OWL.versionInfo: "version info",
        DCTERMS.license: "license",
        DCTERMS.title: "title",
        DCTERMS.description: "description",
        DCTERMS.creator: "creator",
    }
    for prop, name in required.items():
        if graph.value(ONTOLOGY_IRI, prop) is None:
            yield Finding("error", "header", shorten(str(ONTOLOGY_IRI)), f"the header has no {name}")
    version_iri = graph.value(ONTOLOGY_IRI, OWL.versionIRI)
    info = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    if version_iri is not None and info is not None and not str(version_iri).endswith(f"/{info}"):
        yield Finding("error", "header", str(version_iri), f"the version IRI does not end with /{info}")


def check_terms(graph: Graph) -> Iterator[Finding]:
    kinds = {
        "class": OWL.Class,
        "object property": OWL.ObjectProperty,
        "datatype property": OWL.DatatypeProperty,
    }
    labels: dict[str, list[str]] = defaultdict(list)
    for kind, rdf_type in kinds.items():
        for term in _own(graph, rdf_type):
            name = shorten(str(term))
            label = graph.value(term, RDFS.label)
            if label is None:
                yield Finding("error", "missing-label", name, f"the {kind} has no rdfs:label")
            else:
                labels[str(label).lower()].append(name)
            if graph.value(term, SKOS.definition) is None:
                yield Finding("error", "missing-definition", name, f"the {kind} has no skos:definition")
            if rdf_type != OWL.Class:
                if graph.value(term, RDFS.range) is None:
                    yield Finding("error", "missing-range", name, "the property has no rdfs:range")
                if graph.value(term, RDFS.domain) is None:
                    yield Finding("warn", "missing-domain", name, "the property has no rdfs:domain")
    for text, terms in sorted(labels.items()):
        if len(terms) > 1:
            yield Finding("error", "duplicate-label", ", ".join(terms), f"they share the label {text!r}")


def check_inverses(graph: Graph) -> Iterator[Finding]:
    """Relations between actors that analysts read both ways should have a named inverse."""
    actor_classes = {AG.Actor, AG.State, AG.Institution, AG.Grouping}
    for term in _own(graph, OWL.ObjectProperty):
        if graph.value(term, RDFS.range) in actor_classes and graph.value(term, RDFS.domain) in actor_classes:
            symmetric = (term, RDF.type, OWL.SymmetricProperty) in graph
            has_inverse = graph.value(term, OWL.inverseOf) or graph.value(None, OWL.inverseOf, term)
            if not symmetric and not has_inverse:
                yield Finding("info", "no-inverse", shorten(str(term)), "an actor-to-actor relation without an inverse")


def used_terms(paths: ProjectPaths, data_graphs: Iterable[Graph]) -> dict[str, list[str]]:
    """Local names of the ``ag:`` terms used in queries/ and data/, with where each is used."""
    used: dict[str, list[str]] = defaultdict(list)
    for query in sorted(paths.queries_dir.glob("*.rq")):
        for name in sorted(set(_AG_TERM.findall(query.read_text(encoding="utf-8")))):
            used[name].append(f"queries/{query.name}")
    for data in data_graphs:
        for _s, p, o in data:
            for term in (p, o if p == RDF.type else None):
                if isinstance(term, URIRef) and term.startswith(str(AG)):
                    name = str(term)[len(str(AG)) :]
                    if "data/" not in used[name]:
                        used[name].append("data/")
    return used


def check_usage(graph: Graph, paths: ProjectPaths, data_graphs: Iterable[Graph]) -> Iterator[Finding]:
    """Every ``ag:`` term used in data/ or queries/ is declared by the ontology."""
    declared = declared_terms(graph)
    for name, places in sorted(used_terms(paths, data_graphs).items()):
        if name not in declared:
            yield Finding("error", "undeclared-term", f"ag:{name}", f"used in {', '.join(places)}")


def report(graph: Graph, paths: ProjectPaths, data_graphs: Iterable[Graph] = ()) -> list[Finding]:
    """Every finding of every rule, errors first."""
    findings = [
        *check_header(graph),
        *check_terms(graph),
        *check_inverses(graph),
        *check_usage(graph, paths, data_graphs),
    ]
    return sorted(findings, key=lambda f: (LEVELS.index(f.level), f.rule, f.term))
