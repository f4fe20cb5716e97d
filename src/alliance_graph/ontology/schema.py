"""The schema as the build sees it: the ontology and its vocabularies, parsed once with rdflib.

owlready2 cannot read Turtle (it raises on a guessed format and loads nothing with
``format="turtle"``), so rdflib is the one parser of ``ontology/``; the
reasoning and ontology-engineering modules convert from the graph this module returns.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.plugins.serializers.longturtle import LongTurtleSerializer

from ..namespaces import AG, ONTOLOGY_IRI, PREFIXES
from ..paths import ProjectPaths


def _bind_prefixes(graph: Graph) -> Graph:
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph


def parse_turtle(*files: object) -> Graph:
    """Parse Turtle files into one graph with the project's prefixes bound."""
    graph = _bind_prefixes(Graph())
    for file in files:
        graph.parse(str(file), format="turtle")
    return graph


@dataclass(frozen=True)
class PropertyInfo:
    """What the compiler needs to know about a property: how to read a value of it."""

    iri: URIRef
    is_object: bool
    range: URIRef | None
    derived: bool


class Schema:
    """The ontology plus the controlled vocabularies (roles, technologies)."""

    def __init__(self, ontology: Graph, vocabularies: Graph) -> None:
        self.ontology = ontology
        self.vocabularies = vocabularies

    @classmethod
    def load(cls, paths: ProjectPaths) -> Schema:
        return cls(parse_turtle(paths.ontology_file), parse_turtle(paths.vocabularies_file))

    @cached_property
    def classes(self) -> frozenset[URIRef]:
        return frozenset(c for c in self.ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))

    @cached_property
    def properties(self) -> dict[URIRef, PropertyInfo]:
        found: dict[URIRef, PropertyInfo] = {}
        for kind, is_object in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
            for prop in self.ontology.subjects(RDF.type, kind):
                if isinstance(prop, URIRef):
                    rng = self.ontology.value(prop, RDFS.range)
                    found[prop] = PropertyInfo(
                        iri=prop,
                        is_object=is_object,
                        range=rng if isinstance(rng, URIRef) else None,
                        derived=(prop, AG.derived, Literal(True)) in self.ontology,
                    )
        return found

    @cached_property
    def version(self) -> str:
        info = self.ontology.value(ONTOLOGY_IRI, OWL.versionInfo)
        return str(info) if info is not None else "unknown"

    def combined(self) -> Graph:
        """Ontology and vocabularies in one graph (a fresh copy)."""
        graph = _bind_prefixes(Graph())
        graph += self.ontology
        graph += self.vocabularies
        return graph


class _StableOrderTurtle(LongTurtleSerializer):
    """rdflib's long Turtle with subjects in IRI order only.

    rdflib orders the subjects after the first by how often other triples refer to them, so adding
    a subclass of ``ag:ExportControl`` moved ``ag:ExportControl`` itself down the file: a
    one-term change showed as a many-term diff. Here a subject's place depends on its IRI alone.
    """

    def orderSubjects(self) -> list[Any]:
        head: list[Any] = []
        for cls in self.topClasses:
            members = sorted(self.store.subjects(RDF.type, cls), key=_subject_key)
            for member in members:
                self._topLevels[member] = True
            head += members
        rest = sorted((s for s in self._subjects if s not in set(head)), key=_subject_key)
        return head + rest


def _subject_key(subject: Any) -> tuple[bool, str]:
    return isinstance(subject, BNode), str(subject)


def canonical_turtle(graph: Graph) -> str:
    """Turtle that diffs well: subjects (in IRI order) and predicates sorted, blank nodes inlined,
    project prefixes, plain strings without ``xsd:string`` (owlready2 adds it on the way back)."""
    clean = _bind_prefixes(Graph())
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        clean.add((s, p, o))
    out = io.BytesIO()
    _StableOrderTurtle(clean).serialize(out, encoding="utf-8")  # type: ignore[no-untyped-call]
    return out.getvalue().decode("utf-8")
