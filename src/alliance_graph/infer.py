"""Derive the shortcut triples at build time, into their own named graph.

Analysts write short queries (``?s ag:memberOf alliance:brics``) and still reach the evidence on the
n-ary nodes. The rules are SPARQL CONSTRUCT queries run to a fixpoint on an in-memory Oxigraph
store: a full OWL-RL closure (owlrl) took seconds per thousand triples here, these rules take
milliseconds, and each derived property has one rule a reader can check. The date windows
(``ag:possibleFrom``, ``ag:validFrom``, ``ag:validUntil``, ``ag:possibleUntil``, ``ag:knownBy``) need
date arithmetic on partial dates, so they are computed in Python.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import PROV, RDF, RDFS, XSD
from rdflib.term import Node

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
          ?fact a ag:Cooperation ; ag:party ?actor .
          { ?actor a ag:State . BIND(?actor AS ?state) } UNION { ?actor ag:ofState ?state }
        }""",
    "cooperates with": """
        CONSTRUCT { ?a ag:cooperatesWith ?b . ?b ag:cooperatesWith ?a } WHERE {
          ?fact a ag:Cooperation .
          {
            ?fact ag:partyA ?x ; ag:partyB ?y .
          } UNION {
            ?fact ag:party ?x , ?y .
            FILTER NOT EXISTS { ?fact ag:partyA ?side }
          }
          { ?x a ag:State . BIND(?x AS ?a) } UNION { ?x ag:ofState ?a }
          { ?y a ag:State . BIND(?y AS ?b) } UNION { ?y ag:ofState ?b }
          FILTER(?a != ?b)
        }""",
    "tie kind of a cooperation": """
        CONSTRUCT { ?fact ag:tieKind ?tie } WHERE {
          { SELECT ?fact (COUNT(DISTINCT ?state) AS ?states) WHERE {
              ?fact a ag:Cooperation ; ag:party ?actor .
              { ?actor a ag:State . BIND(?actor AS ?state) } UNION { ?actor ag:ofState ?state }
            } GROUP BY ?fact }
          OPTIONAL { ?fact ag:level ?level }
          FILTER (?states >= 2)
          BIND (IF(COALESCE(?level, "") = "institution", "institution-level",
                   IF(?states = 2, "bilateral instrument", "multilateral instrument")) AS ?tie)
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


def _date(value: object) -> Literal:
    assert isinstance(value, dt.date)
    return Literal(value.isoformat(), datatype=XSD.date)


def known_by(graph: Graph, fact: Node) -> dt.date | None:
    """The latest day of the earliest publication date of a document that reports ``fact``.

    Only publication dates count: a retrieval date says when the project read a page, never when
    a fact began. ``None`` when no reporting document is dated.
    """
    published = [
        _period_end(date)
        for doc in graph.objects(fact, PROV.wasDerivedFrom)
        for date in graph.objects(doc, AG.published)
        if isinstance(date, Literal)
    ]
    return min(published) if published else None


def validity_bounds(graph: Graph) -> Graph:
    """The day windows of every fact's start and end, for three-valued as-of questions.

    A start given as a year or month may be any day of it: ``ag:possibleFrom`` is its first day,
    ``ag:validFrom`` (from when the fact certainly holds) its last. An end so given: the fact may
    stop from ``ag:validUntil`` (the first day) and has stopped by ``ag:possibleUntil`` (the last).
    An unknown start has no ``possibleFrom``; its ``validFrom`` is the fact's ``ag:knownBy`` date,
    the earliest publication of a document that reports it, and is absent (the fact is never
    certain) when no such document is dated.
    """
    out = Graph()
    facts = set(graph.subjects(RDF.type, AG.Fact))
    for cls in graph.transitive_subjects(RDFS.subClassOf, AG.Fact):
        facts |= set(graph.subjects(RDF.type, cls))
    for fact in facts:
        start = (
            graph.value(fact, AG.startDate) or graph.value(fact, AG.signedDate) or graph.value(fact, AG.announcedDate)
        )
        known = known_by(graph, fact)
        if known is not None:
            out.add((fact, AG.knownBy, _date(known)))
        if isinstance(start, Literal):
            out.add((fact, AG.possibleFrom, _date(_period_start(start))))
            out.add((fact, AG.validFrom, _date(_period_end(start))))
        elif known is not None:
            out.add((fact, AG.validFrom, _date(known)))
        end = graph.value(fact, AG.endDate)
        if isinstance(end, Literal):
            out.add((fact, AG.validUntil, _date(_period_start(end))))
            out.add((fact, AG.possibleUntil, _date(_period_end(end))))
    return out


def infer(graphs: list[Graph]) -> Graph:
    """All derived triples of the given graphs (ontology, vocabularies, states and data)."""
    merged = Graph()
    for graph in graphs:
        merged += graph
    derived = apply_rules([merged])
    derived += validity_bounds(merged)
    return derived
