"""Derive the shortcut triples at build time, into their own named graph.

Analysts write short queries (``?s ag:memberOf alliance:brics``) and still reach the evidence on the
n-ary nodes. The rules are SPARQL CONSTRUCT queries run to a fixpoint on an in-memory Oxigraph
store: a full OWL-RL closure (owlrl) took seconds per thousand triples here, these rules take
milliseconds, and each derived property has one rule a reader can check. The ``ag:validFrom`` /
``ag:validUntil`` bounds need date arithmetic on partial dates, so they are computed in Python.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import PROV, XSD

from .namespaces import AG, sparql_prefix_block

RULES: dict[str, str] = {
    "class hierarchy": """
        CONSTRUCT { ?x a ?super } WHERE {
          ?x a ?class . ?class rdfs:subClassOf+ ?super . FILTER(isIRI(?super))
        }""",
    "property hierarchy": """
        CONSTRUCT { ?s ?super ?o } WHERE {
          ?p rdfs:subPropertyOf+ ?super . ?s ?p ?o .
        }""",
    "member of": """
        CONSTRUCT { ?member ag:memberOf ?group . ?group ag:hasMember ?member } WHERE {
          ?m a ag:Membership ; org:member ?member ; org:organization ?group ; ag:role ?role .
          ?role ag:countsAsMembership true .
        }""",
    "state of an institution": """
        CONSTRUCT { ?inst ag:ofState ?state } WHERE {
          { ?inst ag:headquarteredIn ?state }
          UNION
          { ?inst org:subOrganizationOf+ ?parent . ?parent ag:headquarteredIn ?state .
            FILTER NOT EXISTS { ?inst ag:headquarteredIn ?own } }
        }""",
    "state of a membership": """
        CONSTRUCT { ?m ag:memberState ?state } WHERE {
          ?m a ag:Membership ; org:member ?member .
          { ?member a ag:State . BIND(?member AS ?state) } UNION { ?member ag:ofState ?state }
        }""",
    "states a cooperation concerns": """
        CONSTRUCT { ?fact ag:concerns ?state } WHERE {
          ?fact a ag:Cooperation ; ag:participant ?actor .
          { ?actor a ag:State . BIND(?actor AS ?state) } UNION { ?actor ag:ofState ?state }
        }""",
    "cooperates with": """
        CONSTRUCT { ?a ag:cooperatesWith ?b } WHERE {
          ?fact a ag:Cooperation ; ag:concerns ?a , ?b . FILTER(?a != ?b)
        }""",
    "labels of memberships": """
        CONSTRUCT { ?m rdfs:label ?label } WHERE {
          ?m a ag:Membership ; org:member ?member ; org:organization ?group ; ag:role ?role .
          FILTER NOT EXISTS { ?m rdfs:label ?any }
          ?member rdfs:label ?memberLabel . ?group rdfs:label ?groupLabel . ?role rdfs:label ?roleLabel .
          BIND (STRLANG(CONCAT(STR(?memberLabel), " in ", STR(?groupLabel), " (", STR(?roleLabel), ")"), "en")
                AS ?label)
        }""",
    "labels of ranking entries": """
        CONSTRUCT { ?e rdfs:label ?label } WHERE {
          ?e a ag:RankingEntry ; ag:rankedState ?state ; ag:inIndex ?index ; ag:rank ?rank .
          FILTER NOT EXISTS { ?e rdfs:label ?any }
          ?state rdfs:label ?stateLabel . ?index rdfs:label ?indexLabel .
          BIND (STRLANG(CONCAT(STR(?stateLabel), ": rank ", STR(?rank), " in ", STR(?indexLabel)), "en")
                AS ?label)
        }""",
    "labels of claims": """
        CONSTRUCT { ?c rdfs:label ?label } WHERE {
          ?c a ag:Claim ; ag:statement ?statement .
          FILTER NOT EXISTS { ?c rdfs:label ?any }
          BIND (STRLANG(STR(?statement), "en") AS ?label)
        }""",
    "transitive broader": """
        CONSTRUCT { ?narrow skos:broaderTransitive ?broad } WHERE {
          ?narrow skos:broader+ ?broad .
        }""",
}


def _to_oxigraph(graphs: Iterable[Graph]) -> ox.Store:
    store = ox.Store()
    for graph in graphs:
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _from_oxigraph(triples: Iterable[ox.Triple]) -> Graph:
    graph = Graph()
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def derive(store: ox.Store, max_rounds: int = 10) -> set[ox.Triple]:
    """Run every rule on ``store`` (default graph) until nothing new is derived.

    The derived triples are added to the store as they are found (later rules build on earlier
    ones) and returned, so the caller can put them in a graph of their own.
    """
    prefixes = sparql_prefix_block()
    derived: set[ox.Triple] = set()
    for _round in range(max_rounds):
        new: set[ox.Triple] = set()
        for query in RULES.values():
            for triple in store.query(prefixes + query):  # type: ignore[union-attr]
                if ox.Quad(triple.subject, triple.predicate, triple.object) not in store:
                    new.add(triple)
        if not new:
            break
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in new)
        derived |= new
    return derived


def apply_rules(graphs: Iterable[Graph]) -> Graph:
    """The triples the rules derive from ``graphs`` (only the new ones)."""
    return _from_oxigraph(derive(_to_oxigraph(graphs)))


def _period_end(value: Literal) -> dt.date:
    text = str(value)
    if value.datatype == XSD.gYear:
        return dt.date(int(text[:4]), 12, 31)
    if value.datatype == XSD.gYearMonth:
        year, month = int(text[:4]), int(text[5:7])
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date.fromisoformat(text[:10])


def _period_start(value: Literal) -> dt.date:
    text = str(value)
    if value.datatype == XSD.gYear:
        return dt.date(int(text[:4]), 1, 1)
    if value.datatype == XSD.gYearMonth:
        return dt.date(int(text[:4]), int(text[5:7]), 1)
    return dt.date.fromisoformat(text[:10])


def validity_bounds(graph: Graph) -> Graph:
    """``ag:validFrom``/``ag:validUntil`` (xsd:date) of every fact, for as-of questions.

    A start given as a year or month counts from the end of that period (when the fact certainly
    holds); an end so given counts from its beginning. A fact with neither start nor announced date
    counts from its earliest source's publication (or retrieval, for an undated page).
    """
    out = Graph()
    facts = set(graph.subjects(AG.startDate, None)) | set(graph.subjects(AG.announcedDate, None))
    facts |= set(graph.subjects(AG.dateUnknown, Literal(True)))
    for fact in facts:
        start = graph.value(fact, AG.startDate) or graph.value(fact, AG.announcedDate)
        begin: dt.date | None = None
        if isinstance(start, Literal):
            begin = _period_end(start)
        else:
            published = [
                _period_end(date)
                for src in graph.objects(fact, PROV.wasDerivedFrom)
                for date in [graph.value(src, AG.published) or graph.value(src, AG.retrieved)]
                if isinstance(date, Literal)
            ]
            begin = min(published) if published else None
        if begin is not None:
            out.add((fact, AG.validFrom, Literal(begin.isoformat(), datatype=XSD.date)))
        end = graph.value(fact, AG.endDate)
        if isinstance(end, Literal):
            until = _period_start(end).isoformat()
            out.add((fact, AG.validUntil, Literal(until, datatype=XSD.date)))
    return out


def infer(graphs: list[Graph]) -> Graph:
    """All derived triples of the given graphs (ontology, vocabularies, states and data)."""
    merged = Graph()
    for graph in graphs:
        merged += graph
    derived = apply_rules([merged])
    derived += validity_bounds(merged)
    return derived
