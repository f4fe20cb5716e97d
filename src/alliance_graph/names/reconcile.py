"""The W3C Reconciliation Service API (version 0.2, the one OpenRefine and Wikidata's service speak).

Pure functions from decoded requests to response documents, so that the HTTP layer only parses
and serialises. Identifiers are the path of an entity below ``/id/`` (``state/RUS``,
``institution/sberbank``), so the view URL template is the entity page itself.

A candidate's score is its name score, lowered for every property value that does not agree with
the graph; ``match`` is true only for a sure, clearly leading candidate whose given properties all
agree, which is what OpenRefine auto-matches on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..namespaces import ID_BASE, expand
from .collect import KINDS
from .index import Match, NameIndex
from .lookup import PROPERTIES, Values
from .normalise import compact_key

VERSIONS = ["0.2"]
DEFAULT_LIMIT = 5
MAX_LIMIT = 50
MAX_BATCH = 100
_PROPERTY_MISMATCH = 0.7


class ReconcileError(ValueError):
    """A reconciliation request that does not follow the protocol; the message says how."""


@dataclass(frozen=True)
class PropertyValue:
    pid: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ReconQuery:
    """One query of a batch, validated."""

    text: str
    kind: str | None
    limit: int
    properties: tuple[PropertyValue, ...]


def entity_id(iri: str) -> str:
    return iri[len(ID_BASE) :] if iri.startswith(ID_BASE) else iri


def entity_iri(identifier: str) -> str:
    return identifier if "://" in identifier else ID_BASE + identifier.lstrip("/")


def manifest(base_url: str) -> dict[str, Any]:
    """The service manifest: spaces, default types, and where the other services live."""
    base = base_url.rstrip("/")
    return {
        "versions": VERSIONS,
        "name": "AI Alliance Graph",
        "identifierSpace": ID_BASE,
        "schemaSpace": "https://w3id.org/alliance-graph/ontology#",
        "defaultTypes": [{"id": kind, "name": kind} for kind in KINDS],
        "view": {"url": f"{base}/id/{{{{id}}}}"},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 120},
        "suggest": {
            kind: {"service_url": base, "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": base, "service_path": "/reconcile/propose_properties"},
            "property_settings": [],
        },
    }


def parse_queries(batch: Mapping[str, Any]) -> dict[str, ReconQuery]:
    """Validate a ``queries`` batch: an object of named queries, each with a ``query`` string."""
    if not isinstance(batch, Mapping) or not batch:
        raise ReconcileError("queries must be a non-empty JSON object of named queries")
    if len(batch) > MAX_BATCH:
        raise ReconcileError(f"a batch holds at most {MAX_BATCH} queries; this one has {len(batch)}")
    return {str(key): _parse_one(str(key), value) for key, value in batch.items()}


def _parse_one(key: str, raw: Any) -> ReconQuery:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("query"), str) or not raw["query"].strip():
        raise ReconcileError(f"query {key!r} needs a non-empty string 'query'")
    kind = raw.get("type")
    if isinstance(kind, list):
        kind = kind[0] if kind else None
    if kind is not None and kind not in KINDS:
        raise ReconcileError(f"query {key!r}: unknown type {kind!r}; types are {', '.join(KINDS)}")
    limit = raw.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise ReconcileError(f"query {key!r}: limit must be an integer from 1 to {MAX_LIMIT}")
    properties = []
    for prop in raw.get("properties") or []:
        if not isinstance(prop, Mapping) or prop.get("pid") not in PROPERTIES:
            raise ReconcileError(f"query {key!r}: properties take a pid among {', '.join(PROPERTIES)}")
        value = prop.get("v")
        values = value if isinstance(value, list) else [value]
        texts = tuple(str(v.get("id", v.get("name", ""))) if isinstance(v, Mapping) else str(v) for v in values)
        properties.append(PropertyValue(str(prop["pid"]), texts))
    return ReconQuery(raw["query"].strip(), kind, limit, tuple(properties))


def candidates_for(index: NameIndex, query: ReconQuery) -> list[Match]:
    """The name candidates of a query, before properties are weighed (a few more than asked)."""
    return index.search(query.text, kind=query.kind, limit=query.limit + 5)


def answer(index: NameIndex, query: ReconQuery, found: list[Match], values: Values) -> dict[str, Any]:
    """The ``result`` list of one query, properties weighed, best first."""
    scored = []
    for match in found:
        features = [{"id": "name", "value": round(match.score, 1)}]
        score = match.score
        agrees = True
        for prop in query.properties:
            held = values.get(match.entity.iri, {}).get(prop.pid, [])
            ok = any(_same(given, value, label, index) for given in prop.values for value, label in held)
            features.append({"id": prop.pid, "value": 1 if ok else 0})
            if not ok:
                score *= _PROPERTY_MISMATCH
                agrees = False
        scored.append((score, agrees, match, features))
    scored.sort(key=lambda item: -item[0])
    scored = scored[: query.limit]
    results = []
    for position, (score, agrees, match, features) in enumerate(scored):
        runner_up = scored[position + 1][0] if position + 1 < len(scored) else 0.0
        sure = position == 0 and score >= 95 and score - runner_up >= 5 and agrees
        results.append(
            {
                "id": entity_id(match.entity.iri),
                "name": match.entity.label,
                "type": [{"id": match.entity.kind, "name": match.entity.kind}],
                "score": round(score, 1),
                "match": sure,
                "description": f"{match.how} match on “{match.matched}”" + (f" ({match.lang})" if match.lang else ""),
                "features": features,
            }
        )
    return {"result": results}


def _same(given: str, value: str, label: str | None, index: NameIndex) -> bool:
    """Does a property value the user gave (an id, an IRI, a prefixed name or a name) mean ``value``?"""
    if compact_key(given) in {compact_key(value), compact_key(label or "")}:
        return True
    held = _full_iri(value)
    if held is None:
        return False
    meant = _full_iri(given)
    if meant is None:
        resolved = index.resolve(given)
        meant = resolved.match.entity.iri if resolved.status == "resolved" else None
    return meant == held


def _full_iri(text: str) -> str | None:
    """The IRI an id (``state/RUS``), a prefixed name or an IRI stands for; None for a plain name."""
    if "://" in text:
        return text
    if "/" in text:
        return entity_iri(text)
    try:
        return str(expand(text)) if ":" in text else None
    except ValueError:
        return None


def suggest_entities(index: NameIndex, prefix: str, kind: str | None = None, limit: int = 10) -> dict[str, Any]:
    found = index.search(prefix, kind=kind, limit=limit)
    return {
        "result": [{"id": entity_id(m.entity.iri), "name": m.entity.label, "description": m.entity.kind} for m in found]
    }


def suggest_types(prefix: str) -> dict[str, Any]:
    key = compact_key(prefix)
    return {"result": [{"id": kind, "name": kind} for kind in KINDS if compact_key(kind).startswith(key)]}


def suggest_properties(prefix: str) -> dict[str, Any]:
    key = compact_key(prefix)
    return {
        "result": [
            {"id": pid, "name": label}
            for pid, (_iri, label, _kind) in PROPERTIES.items()
            if compact_key(pid).startswith(key) or compact_key(label).startswith(key)
        ]
    }


def propose_properties(kind: str | None) -> dict[str, Any]:
    fits = {
        "State": ("isoAlpha2", "isoAlpha3", "memberOf", "wikidata"),
        "Institution": ("headquarteredIn", "memberOf", "wikidata"),
    }.get(kind or "", tuple(PROPERTIES))
    return {"type": kind, "properties": [{"id": pid, "name": PROPERTIES[pid][1]} for pid in fits]}


def extension(ids: list[str], pids: list[str], values: Values) -> dict[str, Any]:
    """The data-extension answer: for each id, each asked property's values."""
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for identifier in ids:
        held = values.get(entity_iri(identifier), {})
        row: dict[str, list[dict[str, str]]] = {}
        for pid in pids:
            cells = []
            for value, label in held.get(pid, []):
                if PROPERTIES[pid][2] == "entity":
                    iri = _full_iri(value)
                    cells.append({"id": entity_id(iri) if iri else value, "name": label or value})
                else:
                    cells.append({"str": value})
            row[pid] = cells
        rows[identifier] = row
    return {"meta": [{"id": pid, "name": PROPERTIES[pid][1]} for pid in pids], "rows": rows}


def parse_extension(raw: Any) -> tuple[list[str], list[str]]:
    lists = isinstance(raw, Mapping) and isinstance(raw.get("ids"), list) and isinstance(raw.get("properties"), list)
    if not lists:
        raise ReconcileError("extend must be a JSON object with lists 'ids' and 'properties'")
    ids = [str(i) for i in raw["ids"]][:MAX_BATCH]
    pids = [str(p.get("id")) if isinstance(p, Mapping) else str(p) for p in raw["properties"]]
    unknown = [p for p in pids if p not in PROPERTIES]
    if unknown:
        raise ReconcileError(f"unknown properties {unknown}; known: {', '.join(PROPERTIES)}")
    return ids, pids
