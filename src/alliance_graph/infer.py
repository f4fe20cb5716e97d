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
import functools
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import PROV, RDF, RDFS, XSD
from rdflib.paths import NegatedPath, Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from .namespaces import AG, PREFIXES, sparql_prefix_block

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


#: Rules that reach nothing new from their own output: a ``+`` path is already its closure, so a
#: type, a super-property or a broader concept they derived only leads to what they derived too.
CLOSED_RULES = frozenset({"class hierarchy", "property hierarchy", "transitive broader"})

#: Rules with one body pattern over the data, joined with the schema only: after the first round
#: they need to see only what the last round added (staged in ``DELTA``), as long as that did not
#: touch the schema part (the second element), in which case they run in full.
DELTA = "urn:alliance-graph:delta"
DELTA_RULES: dict[str, tuple[str, str]] = {
    "class hierarchy": (
        f"""CONSTRUCT {{ ?x a ?super }} WHERE {{
          GRAPH <{DELTA}> {{ ?x a ?class }} ?class rdfs:subClassOf+ ?super . FILTER(isIRI(?super))
        }}""",
        str(RDFS.subClassOf),
    ),
    "property hierarchy": (
        f"""CONSTRUCT {{ ?s ?super ?o }} WHERE {{
          GRAPH <{DELTA}> {{ ?s ?p ?o }} ?p rdfs:subPropertyOf+ ?super .
        }}""",
        str(RDFS.subPropertyOf),
    ),
}

#: A rule's body reads: predicate IRIs, and ``(rdf:type, class)`` pairs for ``a <class>``.
#: ``ANY`` stands for a variable: a variable predicate reads every triple, a variable class every type.
ANY = "*"
Reads = frozenset[tuple[str, str]]
_RDF_TYPE = str(RDF.type)


def _path_iris(path: object) -> Iterable[str]:
    if isinstance(path, URIRef):
        yield str(path)
    elif isinstance(path, NegatedPath):
        yield ANY
    elif isinstance(path, Path):
        for part in (*getattr(path, "args", ()), getattr(path, "path", None), getattr(path, "arg", None)):
            if part is not None:
                yield from _path_iris(part)


def _pattern_reads(pattern: tuple[object, object, object]) -> Iterable[tuple[str, str]]:
    _s, predicate, obj = pattern
    if isinstance(predicate, Variable):
        yield ANY, ANY
    elif isinstance(predicate, URIRef) and str(predicate) == _RDF_TYPE:
        yield _RDF_TYPE, str(obj) if isinstance(obj, URIRef) else ANY
    else:
        for iri in _path_iris(predicate):
            yield (ANY, ANY) if iri == ANY else (iri, ANY)


def _walk(node: object, found: set[tuple[str, str]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "template":  # the CONSTRUCT head: what the rule writes, not what it reads
                continue
            if key == "triples":
                for pattern in value:
                    found.update(_pattern_reads(tuple(pattern)))
            else:
                _walk(value, found)
    elif isinstance(node, list | tuple):
        for item in node:
            _walk(item, found)


@functools.cache
def rule_reads(query: str) -> Reads:
    """What a rule's body reads, from its parsed algebra (the WHERE clause, filters included)."""
    found: set[tuple[str, str]] = set()
    _walk(prepareQuery(query, initNs=PREFIXES).algebra, found)
    return frozenset(found)


def _touched(triples: Iterable[ox.Triple]) -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for t in triples:
        predicate = t.predicate.value
        keys.add((predicate, ANY))
        if predicate == _RDF_TYPE and isinstance(t.object, ox.NamedNode):
            keys.add((predicate, t.object.value))
    return keys


def _reads_any(reads: Reads, touched: set[tuple[str, str]]) -> bool:
    """Whether a triple a rule reads is among the ``touched`` keys (see ``_touched``)."""
    if (ANY, ANY) in reads:
        return bool(touched)
    return any(key in touched for key in reads)


def derive(store: ox.Store, max_rounds: int = 10) -> set[ox.Triple]:
    """Run every rule on ``store`` (default graph) until nothing new is derived.

    Rounds as a naive fixpoint has them (each rule of a round sees the store as the round began,
    and what the round derives is added at its end), but semi-naive in what runs: after the first
    round, a rule runs again only if the last round added a triple its body reads (one of its
    predicates, or a type of one of its classes), since otherwise it would find exactly what it
    found before. The rules that negate (``FILTER NOT EXISTS``) or count stay exact under this:
    their answer too can only change when what they read changes. The derived triples are added
    to the store and returned, so the caller can put them in a graph of their own.
    """
    prefixes = sparql_prefix_block()
    reads = {name: rule_reads(query) for name, query in RULES.items()}
    derived: set[ox.Triple] = set()
    delta = ox.NamedNode(DELTA)
    last: dict[str, set[ox.Triple]] | None = None
    for _round in range(max_rounds):
        new: dict[str, set[ox.Triple]] = {}
        for name, query in RULES.items():
            text = query
            if last is not None:
                inputs = [t for rule, found in last.items() if rule != name or name not in CLOSED_RULES for t in found]
                touched = _touched(inputs)
                if not _reads_any(reads[name], touched):
                    continue
                if name in DELTA_RULES and (DELTA_RULES[name][1], ANY) not in touched:
                    text = DELTA_RULES[name][0]
                    store.clear_graph(delta)
                    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, delta) for t in inputs)
            found = {
                triple
                for triple in store.query(prefixes + text)  # type: ignore[union-attr]
                if ox.Quad(triple.subject, triple.predicate, triple.object) not in store
            }
            if found:
                new[name] = found
        fresh = set().union(*new.values()) if new else set()
        if not fresh:
            break
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in fresh)
        derived |= fresh
        last = new
    if any(graph == delta for graph in store.named_graphs()):
        store.remove_graph(delta)
    return derived


def derive_naive(store: ox.Store, max_rounds: int = 10) -> set[ox.Triple]:
    """Every rule in every round until nothing is new: the reference ``derive`` must agree with."""
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


_FACTS = "?fact a ?class . ?class rdfs:subClassOf* ag:Fact ."
_BOUND_VALUES = f"""SELECT DISTINCT ?fact ?p ?v WHERE {{
  {_FACTS}
  VALUES ?p {{ ag:startDate ag:signedDate ag:announcedDate ag:endDate }} ?fact ?p ?v .
}}"""
_PUBLISHED = f"""SELECT DISTINCT ?fact ?date WHERE {{
  {_FACTS} ?fact prov:wasDerivedFrom ?doc . ?doc ag:published ?date . FILTER(isLiteral(?date))
}}"""
_START_KEYS = (str(AG.startDate), str(AG.signedDate), str(AG.announcedDate))


def _ox_date(term: ox.Literal, end: bool) -> dt.date:
    value = Literal(term.value, datatype=URIRef(term.datatype.value))
    return _period_end(value) if end else _period_start(value)


def _ox_day(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=ox.NamedNode(str(XSD.date)))


def bounds_in_store(store: ox.Store) -> set[ox.Triple]:
    """``validity_bounds`` computed on an Oxigraph store (default graph) with two queries.

    Where a fact has two values of one date key, the least in term order is taken (the shapes
    allow one start and one end date; signed and announced dates are read only without a start).
    """
    prefixes = sparql_prefix_block()
    values: dict[ox.NamedNode | ox.BlankNode, dict[str, list[ox.Literal | None]]] = {}
    for row in store.query(prefixes + _BOUND_VALUES):  # type: ignore[union-attr]
        fact, predicate, value = row[0], row[1], row[2]
        values.setdefault(fact, {}).setdefault(predicate.value, []).append(
            value if isinstance(value, ox.Literal) else None
        )
    known: dict[ox.NamedNode | ox.BlankNode, dt.date] = {}
    for row in store.query(prefixes + _PUBLISHED):  # type: ignore[union-attr]
        day = _ox_date(row[1], end=True)
        if row[0] not in known or day < known[row[0]]:
            known[row[0]] = day
    facts = {row[0] for row in store.query(prefixes + f"SELECT DISTINCT ?fact WHERE {{ {_FACTS} }}")}  # type: ignore[union-attr]
    out: set[ox.Triple] = set()

    def first(fact: ox.NamedNode | ox.BlankNode, keys: tuple[str, ...]) -> ox.Literal | None:
        for key in keys:
            found = values.get(fact, {}).get(key)
            if found:
                literals = sorted((v for v in found if v is not None), key=str)
                return literals[0] if len(literals) == len(found) else None
        return None

    for fact in facts:
        start = first(fact, _START_KEYS)
        end = first(fact, (str(AG.endDate),))
        known_day = known.get(fact)
        if known_day is not None:
            out.add(ox.Triple(fact, ox.NamedNode(str(AG.knownBy)), _ox_day(known_day)))
        if start is not None:
            out.add(ox.Triple(fact, ox.NamedNode(str(AG.possibleFrom)), _ox_day(_ox_date(start, end=False))))
            out.add(ox.Triple(fact, ox.NamedNode(str(AG.validFrom)), _ox_day(_ox_date(start, end=True))))
        elif known_day is not None:
            out.add(ox.Triple(fact, ox.NamedNode(str(AG.validFrom)), _ox_day(known_day)))
        if end is not None:
            out.add(ox.Triple(fact, ox.NamedNode(str(AG.validUntil)), _ox_day(_ox_date(end, end=False))))
            out.add(ox.Triple(fact, ox.NamedNode(str(AG.possibleUntil)), _ox_day(_ox_date(end, end=True))))
    return out


def infer_store(store: ox.Store) -> set[ox.Triple]:
    """Every derived triple of the store's default graph (ontology, vocabularies, states, data):
    the validity bounds (of the asserted data, as before any rule ran) and the rules' fixpoint.
    The rules' triples are left in the store."""
    bounds = bounds_in_store(store)
    return derive(store) | bounds


def _to_oxigraph(graphs: Iterable[Graph]) -> ox.Store:
    store = ox.Store()
    for graph in graphs:
        store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def triples_graph(ntriples: bytes) -> Graph:
    """An rdflib graph of N-Triples (Oxigraph's output, so rdflib's own N-Triples parser suffices)."""
    graph = Graph()
    if ntriples:
        graph.parse(data=ntriples.decode("utf-8"), format="nt")
    return graph


def _from_oxigraph(triples: Iterable[ox.Triple]) -> Graph:
    return triples_graph(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")


def infer(graphs: list[Graph]) -> Graph:
    """All derived triples of the given graphs (ontology, vocabularies, states and data)."""
    return _from_oxigraph(infer_store(_to_oxigraph(graphs)))
