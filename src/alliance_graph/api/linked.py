"""Linked data: entity IRIs under ``/id/...`` dereference (HTML or RDF), plus ``/ontology`` and
``/healthz``.

An entity page shows what the graph states about the entity and every fact that involves it,
grouped by kind, each with its dates and sources; the RDF answer is the same description as triples.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from rdflib import URIRef

from ..namespaces import GRAPH_ONTOLOGY, ID_BASE, shorten
from ..results import plain
from ..stats import build_info
from ..store import StoreError
from .errors import problem
from .negotiation import GRAPH_TYPES, NotAcceptable, choose
from .serialize import serialize_graph
from .state import ServiceState

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
TEMPLATES.env.filters["short"] = lambda value: shorten(str(value)) if value else ""
HTML_FIRST = ("text/html", *GRAPH_TYPES)

PROPERTIES = """
SELECT ?p ?pLabel ?o ?oLabel WHERE {
  %(iri)s ?p ?o .
  OPTIONAL { ?p rdfs:label ?pLabel }
  OPTIONAL { ?o rdfs:label ?oLabel }
} ORDER BY ?p ?o
"""

FACTS = """
SELECT ?fact ?factLabel ?kind ?relation ?from ?until ?status ?source ?title ?url WHERE {
  ?fact ?rel %(iri)s ; a ag:Fact .
  ?rel rdfs:label ?relationLabel . BIND (STR(?relationLabel) AS ?relation)
  ?fact a ?kindClass . ?kindClass rdfs:subClassOf ag:Fact ; rdfs:label ?kindLabel .
  BIND (STR(?kindLabel) AS ?kind)
  OPTIONAL { ?fact rdfs:label ?factLabel }
  OPTIONAL { ?fact ag:validFrom ?from }
  OPTIONAL { ?fact ag:validUntil ?until }
  OPTIONAL { ?fact ag:status ?status }
  OPTIONAL { ?fact prov:wasDerivedFrom ?source . ?source ag:url ?url . OPTIONAL { ?source dct:title ?title } }
} ORDER BY ?kind ?from ?fact
"""

ONTOLOGY_TERMS = """
SELECT ?term ?kind ?label ?definition WHERE {
  GRAPH <https://w3id.org/alliance-graph/graph/ontology> {
    ?term a ?type ; rdfs:label ?label . OPTIONAL { ?term skos:definition ?definition }
    VALUES (?type ?kind) { (owl:Class "class") (owl:ObjectProperty "object property")
                           (owl:DatatypeProperty "datatype property") }
  }
} ORDER BY ?kind ?label
"""

DESCRIBE = """
CONSTRUCT { %(iri)s ?p ?o . ?fact ?fp ?fo } WHERE {
  { %(iri)s ?p ?o } UNION { ?fact ?x %(iri)s ; a ag:Fact ; ?fp ?fo }
}
"""


async def describe_entity(state: ServiceState, iri: URIRef) -> dict[str, Any] | None:
    """What the entity page shows; both queries run like any other (worker, cache, time limit)."""
    props = (await state.query(PROPERTIES % {"iri": iri.n3()})).dicts()
    if not props:
        return None
    label = next((str(r["o"]) for r in props if str(r["p"]).endswith("#label")), shorten(str(iri)))
    properties = [
        {
            "property": shorten(str(r["p"])),
            "property_label": plain(r["pLabel"]) or shorten(str(r["p"])),
            "value": plain(r["o"]),
            "value_label": plain(r["oLabel"]),
            "is_iri": isinstance(r["o"], URIRef),
        }
        for r in props
    ]
    grouped: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in (await state.query(FACTS % {"iri": iri.n3()})).dicts():
        kind = str(row["kind"])
        key = str(row["fact"])
        fact = grouped[kind].setdefault(
            key,
            {
                "fact": key,
                "label": plain(row["factLabel"]) or shorten(key),
                "relation": plain(row["relation"]),
                "from": plain(row["from"]),
                "until": plain(row["until"]),
                "status": plain(row["status"]),
                "sources": [],
            },
        )
        if row["url"] is not None and all(s["url"] != str(row["url"]) for s in fact["sources"]):
            fact["sources"].append({"url": str(row["url"]), "title": plain(row["title"]) or str(row["url"])})
    return {
        "iri": str(iri),
        "label": label,
        "types": [p["value_label"] or p["value"] for p in properties if p["property"] == "rdf:type"],
        "properties": properties,
        "facts": {kind: list(facts.values()) for kind, facts in sorted(grouped.items())},
    }


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(tags=["Linked data"])

    @api.get("/id/{kind}/{key}", summary="An entity of the graph: HTML for browsers, RDF by Accept")
    async def entity(request: Request, kind: str, key: str, format: str | None = None) -> Response:
        iri = URIRef(f"{ID_BASE}{kind}/{key}")
        try:
            media = choose(request.headers.get("accept"), HTML_FIRST, format, graph=True)
            if media == "text/html":
                data = await describe_entity(state, iri)
                if data is None:
                    return problem(404, f"the graph knows nothing about {iri}")
                return TEMPLATES.TemplateResponse(request, "entity.html", {"entity": data})
            answer = await state.query(DESCRIBE % {"iri": iri.n3()})
        except NotAcceptable as exc:
            return problem(406, str(exc))
        except StoreError as exc:
            return problem(503, str(exc))
        assert answer.graph is not None
        if len(answer.graph) == 0:
            return problem(404, f"the graph knows nothing about {iri}")
        return Response(serialize_graph(answer.graph, media), media_type=media, headers={"Vary": "Accept"})

    @api.get("/id/{kind}/{key}.json", include_in_schema=False)
    async def entity_json(kind: str, key: str) -> Response:
        data = await describe_entity(state, URIRef(f"{ID_BASE}{kind}/{key}"))
        if data is None:
            return problem(404, f"the graph knows nothing about {ID_BASE}{kind}/{key}")
        return JSONResponse(data)

    @api.get("/ontology", summary="The ontology, as HTML documentation or RDF by Accept")
    async def ontology(request: Request, format: str | None = None) -> Response:
        try:
            media = choose(request.headers.get("accept"), HTML_FIRST, format, graph=True)
            if media == "text/html":
                docs = state.settings.var_dir / "docs" / "index.html"
                if docs.is_file():
                    return HTMLResponse(docs.read_text(encoding="utf-8"))
                terms = [{k: plain(v) for k, v in r.items()} for r in (await state.query(ONTOLOGY_TERMS)).dicts()]
                return TEMPLATES.TemplateResponse(request, "ontology.html", {"terms": terms})
            answer = await state.query(
                "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graphs=[str(GRAPH_ONTOLOGY)]
            )
        except NotAcceptable as exc:
            return problem(406, str(exc))
        except StoreError as exc:
            return problem(503, str(exc))
        assert answer.graph is not None
        return Response(serialize_graph(answer.graph, media), media_type=media, headers={"Vary": "Accept"})

    @api.get("/healthz", summary="Liveness: the store, its size, and the build it serves")
    async def healthz() -> Response:
        try:
            store = state.store()
            return JSONResponse(
                {
                    "status": "ok",
                    "store": store.name,
                    "location": store.location,
                    "triples": len(store),
                    "build": build_info(store),
                }
            )
        except StoreError as exc:
            return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)

    return api
