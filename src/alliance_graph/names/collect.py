"""Read every name of every findable entity out of the graph, in one query.

Findable entities are the actors (states, institutions, groupings, persons) and the technology
concepts. Their names are labels, alternative labels (pycountry's translations among them), ISO
codes, and curated name variants (``ag:NameVariant``: acronyms, aliases, former names), each of
which carries its own citation in the graph.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Literal

from ..namespaces import sparql_prefix_block
from ..store import Store
from .index import Entity, Name, NameIndex

#: The kinds a search can be narrowed to (local names of ag: classes), most specific first.
KINDS = ("State", "Institution", "Grouping", "Person", "Technology")

NAMES_QUERY = (
    sparql_prefix_block()
    + """
SELECT ?entity ?kind ?label ?name ?origin WHERE {
  VALUES (?class ?kind) { (ag:State "State") (ag:Institution "Institution") (ag:Grouping "Grouping")
                          (ag:Person "Person") (ag:Technology "Technology") }
  ?entity a ?class .
  OPTIONAL { ?entity rdfs:label ?label0 FILTER(lang(?label0) IN ("en", "")) }
  BIND(COALESCE(?label0, STRAFTER(STR(?entity), "/id/")) AS ?label)
  {
    ?entity rdfs:label ?name BIND("label" AS ?origin)
  } UNION {
    ?entity skos:altLabel ?name BIND("altLabel" AS ?origin)
  } UNION {
    VALUES ?codeProperty { ag:isoAlpha2 ag:isoAlpha3 }
    ?entity ?codeProperty ?name BIND("code" AS ?origin)
  } UNION {
    ?variant a ag:NameVariant ; ag:nameOf ?entity ; ag:name ?name ; ag:nameKind ?nameKind .
    BIND(IF(?nameKind = "former", "former name", ?nameKind) AS ?origin)
  }
}
"""
)


def index_from_rows(rows: Sequence[tuple[object, ...]]) -> NameIndex:
    """A name index from the rows of :data:`NAMES_QUERY` (entity, kind, label, name, origin)."""
    entities: dict[str, Entity] = {}
    names: list[Name] = []
    for entity, kind, label, name, origin in rows:
        iri = str(entity)
        known = entities.get(iri)
        rank = KINDS.index(str(kind))
        if known is None or KINDS.index(known.kind) > rank:
            entities[iri] = Entity(iri, str(label), str(kind))
        lang = name.language if isinstance(name, Literal) and name.language else None
        names.append(Name(iri, str(name), lang, str(origin)))
    return NameIndex.of(entities.values(), names)


def load_index(store: Store) -> NameIndex:
    """The name index of everything ``store`` holds now."""
    return index_from_rows(store.query(NAMES_QUERY).rows)
