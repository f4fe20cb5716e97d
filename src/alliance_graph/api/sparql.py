"""``/sparql``: the SPARQL 1.1 Protocol (query and update), exact to the W3C recommendation.

Query via GET, form POST or direct POST; update via form POST or direct POST with a bearer token.
The protocol's ``default-graph-uri``/``named-graph-uri`` override any FROM/FROM NAMED; a query
with neither sees the union of the named graphs. Errors come from the service's one error table
(:mod:`.errors`) as plain-text bodies, because SPARQL clients print the body as the message.
"""

from __future__ import annotations

import hmac
import re
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import GRAPH_BASE
from ..store import StoreError
from . import conditional
from .errors import ProtocolError
from .negotiation import GRAPH_TYPES, SELECT_TYPES, choose
from .serialize import serialize_graph
from .state import ServiceState, client_of
from .update_dataset import add_using

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
_FORM_WORDS = re.compile(
    r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b|#[^\n]*|<[^>]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", re.I
)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments and strings."""
    for match in _FORM_WORDS.finditer(text):
        if match.group(1):
            return match.group(1).upper()
    return "SELECT"


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the {what} is not valid UTF-8 (byte {exc.start})") from None


def _media_type(request: Request) -> tuple[str, str | None]:
    header = request.headers.get("content-type")
    if not header:
        raise ProtocolError(415, f"a POST needs a Content-Type: {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}")
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


async def _body(request: Request, state: ServiceState) -> bytes:
    limit = state.settings.max_body
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"the request body is larger than the {limit} bytes this service accepts")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ProtocolError(413, f"the request body is larger than the {limit} bytes this service accepts")
    return body


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} '{name}' parameters; give exactly one")
    return values[0] if values else None


def _format(params: dict[str, list[str]]) -> list[str]:
    """The formats named by ``format=``/``output=``, in order: SPARQLWrapper sends both, sometimes
    several times and comma-separated; the first one the service can produce wins."""
    return [part.strip() for v in params.get("format", []) + params.get("output", []) for part in v.split(",")]


def _params_from_form(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the form body is not valid UTF-8 once percent-decoded") from None


def service_description(state: ServiceState, endpoint: str) -> Graph:
    """An sd:Service with a VoID summary of what the store holds."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for media in (*SELECT_TYPES, *GRAPH_TYPES):
        graph.add((service, SD.resultFormat, Literal(media)))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    try:
        version = state.executor.version()
    except StoreError:
        return graph
    graph.add((dataset, VOID.triples, Literal(version.triples, datatype=XSD.integer)))
    for name in version.graphs:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, SD.name, URIRef(name)))
        if name.startswith(GRAPH_BASE):
            graph.add((named, RDF.type, SD.NamedGraph))
    return graph


def check_token(request: Request, token: str | None) -> None:
    """The bearer token of an update, compared in constant time."""
    auth = request.headers.get("authorization")
    if not auth:
        raise ProtocolError(401, "SPARQL Update needs 'Authorization: Bearer <token>'", {"WWW-Authenticate": "Bearer"})
    scheme, _, given = auth.partition(" ")
    if token is None:
        raise ProtocolError(403, "SPARQL Update is disabled on this service (no token configured)")
    valid = hmac.compare_digest(given.strip().encode(), token.encode())
    if scheme.lower() != "bearer" or not valid:
        raise ProtocolError(403, "the bearer token is not valid for SPARQL Update")


UPDATE_RESPONSES: dict[int | str, dict[str, Any]] = {
    204: {"description": "The update committed; X-Dataset-Version names the version it created"},
    401: {"description": "No bearer token"},
    403: {"description": "Wrong token, or a SERVICE/LOAD to an address the operator did not allow"},
    503: {"description": "Stopped or failed; nothing of the update was applied (Retry-After)"},
    507: {"description": "The disk is full; nothing of the update was applied"},
}


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(tags=["SPARQL"])
    executor = state.executor

    async def answer_query(
        request: Request,
        text: str,
        default_graphs: list[str],
        named_graphs: list[str],
        fmt: list[str],
    ) -> Response:
        graph_result = query_form(text) in {"CONSTRUCT", "DESCRIBE"}
        accept = request.headers.get("accept")
        media = choose(accept, GRAPH_TYPES if graph_result else SELECT_TYPES, fmt, graph_result)
        await executor.refresh()
        unchanged = conditional.not_modified(executor.version(), request)
        if unchanged is not None:
            return unchanged
        result = await executor.query(
            text,
            client=client_of(request),
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            max_rows=state.settings.max_rows,
            media=media,
        )
        assert result.body is not None and result.media is not None
        media = result.media
        body = result.body
        if media == "application/sparql-results+json":
            body = conditional.with_version(body, result.version)
        headers = {"Vary": "Accept", "X-Cache": "hit" if result.cached else "miss"}
        headers |= conditional.headers(result.version, request)
        if result.truncated:
            headers["X-Result-Truncated"] = f"max-rows={state.settings.max_rows}"
        charset = "; charset=utf-8" if media.startswith("text/") or "json" in media else ""
        return Response(body, media_type=media + charset, headers=headers)

    async def answer_update(request: Request, text: str, params: dict[str, list[str]]) -> Response:
        check_token(request, state.settings.update_token)
        text = add_using(text, params.get("using-graph-uri", []), params.get("using-named-graph-uri", []))
        version = await executor.update(text)
        return Response(status_code=204, headers={conditional.VERSION_HEADER: version.header()})

    async def dispatch(
        request: Request,
        params: dict[str, list[str]],
        body_query: str | None = None,
        body_update: str | None = None,
    ) -> Response:
        fmt = _format(params)
        if body_update is not None or "update" in params:
            text = body_update if body_update is not None else _one(params["update"], "update")
            if "query" in params:
                raise ProtocolError(400, "a request carries either a query or an update, not both")
            return await answer_update(request, text or "", params)
        text = body_query if body_query is not None else _one(params.get("query", []), "query")
        if body_query is not None and "query" in params:
            raise ProtocolError(400, "the query is in the body; a 'query' parameter is not allowed too")
        if text is None:
            raise ProtocolError(400, "no query: give 'query' (or 'update' by POST)")
        return await answer_query(
            request, text, params.get("default-graph-uri", []), params.get("named-graph-uri", []), fmt
        )

    @api.get(
        "/sparql",
        summary="SPARQL query (GET), or the service description when no query is given",
        responses={
            200: {
                "description": "Results, in the negotiated format",
                "content": {m: {} for m in SELECT_TYPES + GRAPH_TYPES},
            },
            304: {"description": "Not modified since the dataset version the client has"},
            400: {
                "description": "Syntax error (with line and column) or protocol error",
                "content": {"text/plain": {}},
            },
            403: {"description": "SERVICE to an address the operator did not allow", "content": {"text/plain": {}}},
            406: {"description": "No acceptable result format", "content": {"text/plain": {}}},
            422: {"description": "The answer is larger than the service sends", "content": {"text/plain": {}}},
            429: {"description": "Too many queries in flight from this client", "content": {"text/plain": {}}},
            503: {
                "description": "The query ran past the time limit, or the service is busy",
                "content": {"text/plain": {}},
            },
        },
    )
    async def sparql_get(
        request: Request,
        query: Annotated[list[str] | None, Query(description="SPARQL query text (exactly one).")] = None,
        default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
        named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
        format: Annotated[str | None, Query(description="json, xml, csv, tsv, turtle, nt, rdf, json-ld…")] = None,
    ) -> Response:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        if "update" in params:
            raise ProtocolError(400, "SPARQL Update is not allowed by GET; POST it")
        if "query" not in params:
            accept = request.headers.get("accept", "")
            if "text/html" in accept and "turtle" not in accept:
                return RedirectResponse("/#editor", status_code=303)
            media = choose(accept, GRAPH_TYPES, _format(params), True)
            graph = service_description(state, str(request.url).split("?")[0])
            return Response(serialize_graph(graph, media), media_type=media)
        return await dispatch(request, params)

    @api.post(
        "/sparql",
        summary="SPARQL query or update (form POST or direct POST); updates need the bearer token",
        openapi_extra={
            "requestBody": {
                "content": {
                    FORM: {
                        "schema": {
                            "type": "object",
                            "properties": {"query": {"type": "string"}, "update": {"type": "string"}},
                        }
                    },
                    QUERY_TYPE: {"schema": {"type": "string"}},
                    UPDATE_TYPE: {"schema": {"type": "string"}},
                }
            },
            "security": [{}, {"bearerAuth": []}],
        },
        responses={
            200: {"description": "Query results, in the negotiated format"},
            **UPDATE_RESPONSES,
            400: {"description": "Syntax or protocol error", "content": {"text/plain": {}}},
            413: {"description": "The body is larger than the service accepts", "content": {"text/plain": {}}},
            415: {"description": "Unsupported Content-Type or charset", "content": {"text/plain": {}}},
        },
    )
    async def sparql_post(request: Request) -> Response:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        media, charset = _media_type(request)
        if charset not in (None, "utf-8", "utf8"):
            raise ProtocolError(415, f"charset {charset} is not supported; send UTF-8")
        body = await _body(request, state)
        if media == FORM:
            text = _decode(body, "form body")
            for key, values in _params_from_form(text).items():
                params.setdefault(key, []).extend(values)
            return await dispatch(request, params)
        if media == QUERY_TYPE:
            return await dispatch(request, params, body_query=_decode(body, "query"))
        if media == UPDATE_TYPE:
            if "query" in params:
                raise ProtocolError(400, "an update body cannot come with a 'query' parameter")
            return await dispatch(request, params, body_update=_decode(body, "update"))
        raise ProtocolError(415, f"unsupported Content-Type {media}: use {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}")

    return api
