"""The name index of the graph being served, rebuilt when the graph changes.

The index is derived from the store by one query and kept per dataset version: a rebuild or an
update gives a new version, and the next look-up builds the index anew, so a search never answers
from names the graph no longer holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable

from rdflib import Literal, URIRef

from ..namespaces import AG, SDO, shorten, sparql_prefix_block
from ..store import Answer
from .collect import NAMES_QUERY, index_from_rows
from .index import NameIndex

#: Properties the reconciliation service can match and extend with: id → (IRI, label, kind).
PROPERTIES: dict[str, tuple[URIRef, str, str]] = {
    "headquarteredIn": (AG.headquarteredIn, "headquartered in (state)", "entity"),
    "memberOf": (AG.memberOf, "member of (grouping)", "entity"),
    "isoAlpha2": (AG.isoAlpha2, "ISO 3166-1 alpha-2 code", "literal"),
    "isoAlpha3": (AG.isoAlpha3, "ISO 3166-1 alpha-3 code", "literal"),
    "wikidata": (SDO.sameAs, "Wikidata item", "literal"),
}

Query = Callable[[str], Awaitable[Answer]]
Values = dict[str, dict[str, list[tuple[str, str | None]]]]


class NameLookup:
    """Answers name look-ups from the index of the current dataset version."""

    def __init__(self, query: Query, version: Callable[[], Hashable]) -> None:
        self._query = query
        self._version = version
        self._index: tuple[Hashable, NameIndex] | None = None
        self._lock = asyncio.Lock()

    @property
    def current(self) -> bool:
        """Whether the index of the graph being served is built (a search needs no query)."""
        return self._index is not None and self._index[0] == self._version()

    async def index(self) -> NameIndex:
        version = self._version()
        if self._index is not None and self._index[0] == version:
            return self._index[1]
        async with self._lock:
            if self._index is None or self._index[0] != version:
                answer = await self._query(NAMES_QUERY)
                self._index = (version, index_from_rows(answer.rows))
        return self._index[1]

    async def property_values(self, iris: Iterable[str], pids: Iterable[str]) -> Values:
        """For each entity IRI, the values of each known property id: (value, label or None)."""
        wanted = [pid for pid in pids if pid in PROPERTIES]
        entities = " ".join(URIRef(iri).n3() for iri in iris)
        if not wanted or not entities:
            return {}
        predicates = " ".join(f"({PROPERTIES[pid][0].n3()} {Literal(pid).n3()})" for pid in wanted)
        text = (
            sparql_prefix_block()
            + f"""SELECT ?e ?pid ?v ?label WHERE {{
  VALUES ?e {{ {entities} }} VALUES (?p ?pid) {{ {predicates} }}
  ?e ?p ?v OPTIONAL {{ ?v rdfs:label ?label FILTER(lang(?label) IN ("en", "")) }}
}}"""
        )
        answer = await self._query(text)
        values: Values = {}
        for entity, pid, value, label in answer.rows:
            shown = shorten(str(value)) if isinstance(value, URIRef) else str(value)
            values.setdefault(str(entity), {}).setdefault(str(pid), []).append(
                (shown, str(label) if label is not None else None)
            )
        return values
