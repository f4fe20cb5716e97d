"""Linked data: entity IRIs under ``/id/...`` dereference (HTML or RDF), plus ``/ontology``.

An entity page shows what the graph states about the entity and every fact that involves it,
grouped by kind, each with its dates and sources; the RDF answer is the same description as triples.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from rdflib import URIRef

from ..namespaces import GRAPH_ONTOLOGY, ID_BASE, is_valid_iri, shorten
from ..results import plain
from ..store import Answer
from . import conditional
from .dossier import Dossier, ontology_anchor
from .errors import NotFound, Problem, ProtocolError
from .negotiation import GRAPH_TYPES, choose
from .ontology_page import OntologyDocs
from .state import ServiceState, client_of
from .templates import TEMPLATES

HTML_FIRST = ("text/html", *GRAPH_TYPES)
TEMPLATES.env.filters["ontology_term"] = ontology_anchor

ONTOLOGY_TERMS = """
SELECT ?term ?kind ?label ?definition WHERE {
  GRAPH %(graph)s {
    ?term a ?type ; rdfs:label ?label . OPTIONAL { ?term skos:definition ?definition }
    VALUES (?type ?kind) { (owl:Class "class") (owl:ObjectProperty "object property")
                           (owl:DatatypeProperty "datatype property") }
  }
} ORDER BY ?kind ?label
""".replace("%(graph)s", GRAPH_ONTOLOGY.n3())

DESCRIBE = """
CONSTRUCT { %(iri)s ?p ?o . ?fact ?fp ?fo } WHERE {
  { %(iri)s ?p ?o } UNION { ?fact ?x %(iri)s ; a ag:Fact ; ?fp ?fo }
}
"""


async def _rows(state: ServiceState, request: Request, text: str) -> list[dict[str, Any]]:
    answer = (await state.executor.query(text, client=client_of(request))).answer
    assert answer is not None
    return answer.dicts()


async def describe_entity(state: ServiceState, request: Request, iri: URIRef) -> dict[str, Any] | None:
    """What the entity page shows (see ``dossier``); its queries run like any other (worker,
    cache, time limit)."""

    async def run(text: str) -> Answer:
        answer = (await state.executor.query(text, client=client_of(request))).answer
        assert answer is not None
        return answer

    return await Dossier(iri, run, state.catalogue.get("facts-about")).describe()


def entity_iri(kind: str, key: str) -> URIRef:
    iri = f"{ID_BASE}{kind}/{key}"
    if not is_valid_iri(iri):
        raise ProtocolError(400, f"{iri!r} is not a valid entity IRI")
    return URIRef(iri)


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(tags=["Linked data"])
    executor = state.executor

    async def graph_answer(request: Request, text: str, media: str, **dataset: list[str]) -> Response:
        result = await executor.query(text, client=client_of(request), media=media, **dataset)  # type: ignore[arg-type]
        assert result.body is not None and result.media is not None
        headers = {"Vary": "Accept"} | conditional.headers(result.version, request)
        return Response(result.body, media_type=result.media, headers=headers)

    @api.get(
        "/id/{kind}/{key}",
        summary="An entity of the graph: HTML for browsers, RDF by Accept",
        responses={404: {"model": Problem}, 400: {"model": Problem}, 406: {"model": Problem}},
    )
    async def entity(request: Request, kind: str, key: str, format: str | None = None) -> Response:
        iri = entity_iri(kind, key)
        media = choose(request.headers.get("accept"), HTML_FIRST, format, graph=True)
        await executor.refresh()
        version = executor.version()
        unchanged = conditional.not_modified(version, request)
        if unchanged is not None:
            return unchanged
        if media == "text/html":
            data = await describe_entity(state, request, iri)
            if data is None:
                raise NotFound(f"the graph knows nothing about {iri}")
            return TEMPLATES.TemplateResponse(
                request,
                "entity.html",
                {"entity": data},
                headers={"Vary": "Accept"} | conditional.headers(version, request),
            )
        ask = await executor.query(
            f"ASK {{ {{ {iri.n3()} ?p ?o }} UNION {{ ?s ?p {iri.n3()} }} }}", client=client_of(request)
        )
        if ask.answer is None or not ask.answer.boolean:
            raise NotFound(f"the graph knows nothing about {iri}")
        return await graph_answer(request, DESCRIBE % {"iri": iri.n3()}, media)

    docs = OntologyDocs(state.settings.var_dir / "docs")

    @api.get("/ontology", summary="The ontology, as HTML documentation or RDF by Accept")
    async def ontology(request: Request, format: str | None = None) -> Response:
        media = choose(request.headers.get("accept"), HTML_FIRST, format, graph=True)
        if media == "text/html":
            page = docs.page()
            terms: list[dict[str, Any]] = []
            if page is None:  # no pyLODE page built: the terms, from the store
                for row in await _rows(state, request, ONTOLOGY_TERMS):
                    term = {k: plain(v) for k, v in row.items()}
                    anchor = ontology_anchor(str(term["term"]))
                    term["anchor"] = anchor.partition("#")[2] if anchor else shorten(str(term["term"]))
                    terms.append(term)
            return TEMPLATES.TemplateResponse(
                request, "ontology.html", {"page": page, "terms": terms, "view": "ontology"}
            )
        return await graph_answer(
            request, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", media, default_graphs=[str(GRAPH_ONTOLOGY)]
        )

    @api.get("/ontology/diagram.svg", include_in_schema=False)
    async def diagram() -> Response:
        """The class diagram at full size, its boxes linking to the classes in ``/ontology``."""
        svg = docs.diagram()
        if svg is None:
            raise NotFound("no class diagram was drawn for this build (Graphviz's dot is not installed)")
        return Response(svg, media_type="image/svg+xml")

    return api
