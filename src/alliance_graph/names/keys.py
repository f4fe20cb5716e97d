"""``ag:nameKey``: the comparison key of every name, in the graph, for SPARQL.

With the keys in the graph an analyst can match a name without knowing its IRI or its script:
``?entity ag:nameKey "sberbank"`` finds Sberbank whether its label was written "Сбербанк",
"ПАО Сбербанк" or "Sberbank". The keys are those of :func:`normalise.name_key`, computed at build
time into their own named graph, so a rebuild replaces them with the names they come from.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from ..namespaces import AG, PREFIXES
from .normalise import name_key

#: Kinds of individual whose names get keys (prefixes of namespaces.PREFIXES).
NAMED_KINDS = ("state", "alliance", "inst", "person", "tech")
_BASES = tuple(PREFIXES[kind] for kind in NAMED_KINDS)
#: The predicates the keys are read from (a graph without them yields no key).
NAME_PREDICATES = frozenset(str(p) for p in (RDFS.label, SKOS.altLabel, AG.nameOf, AG.name))


def name_keys_graph(graphs: Iterable[Graph]) -> Graph:
    """One ``ag:nameKey`` per distinct key of each named entity's labels and alternative labels."""
    keys = Graph()
    for graph in graphs:
        for predicate in (RDFS.label, SKOS.altLabel):
            for subject, name in graph.subject_objects(predicate):
                if isinstance(subject, URIRef) and str(subject).startswith(_BASES):
                    key = name_key(str(name))
                    if key:
                        keys.add((subject, AG.nameKey, Literal(key)))
        for variant, entity in graph.subject_objects(AG.nameOf):
            for name in graph.objects(variant, AG.name):
                key = name_key(str(name))
                if key:
                    keys.add((entity, AG.nameKey, Literal(key)))
    return keys
