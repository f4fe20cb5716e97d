"""``/sparql``: the SPARQL 1.1 Protocol (query and update), exact to the W3C recommendation.

Query via GET, form POST or direct POST; update via form POST or direct POST with a bearer token.
The protocol's ``default-graph-uri``/``named-graph-uri`` override any FROM/FROM NAMED. Errors are
plain-text bodies with a 4xx/5xx status, because SPARQL clients print the body as the message.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import GRAPH_BASE
from ..store import QuerySyntaxError, QueryTimeout, StoreError
from .errors import problem
from .guard import RemoteAccessRefused, check_remote
from .negotiation import GRAPH_TYPES, SELECT_TYPES, NotAcceptable, choose
from .serialize import serialize_graph, serialize_results
from .state import ServiceState
from .update_dataset import DatasetConflict, add_using

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
_FORM_WORDS = re.compile(
    r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b|#[^\n]*|<[^>]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", re.I
)


class ProtocolError(Exception):
    """A request that breaks the protocol; ``status`` and the message go back to the client."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.headers = headers
        super().__init__(message)


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
        store = state.store()
    except StoreError:
        return graph
    graph.add((dataset, VOID.triples, Literal(len(store), datatype=XSD.integer)))
    for name in store.graph_names():
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, SD.name, URIRef(name)))
        if name.startswith(GRAPH_BASE):
            graph.add((named, RDF.type, SD.NamedGraph))
    return graph


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(tags=["SPARQL"])

    async def answer_query(
        request: Request,
        text: str,
        default_graphs: list[str],
        named_graphs: list[str],
        fmt: list[str],
    ) -> Response:
        check_remote(text, state.settings.remote_allow)
        form = query_form(text)
        graph_result = form in {"CONSTRUCT", "DESCRIBE"}
        media = choose(request.headers.get("accept"), GRAPH_TYPES if graph_result else SELECT_TYPES, fmt, graph_result)
        answer = await state.query(
            text,
            default_graphs=default_graphs or None,
            named_graphs=named_graphs or None,
            max_rows=state.settings.max_rows,
        )
        headers = {"Vary": "Accept"}
        if answer.kind == "CONSTRUCT":
            if media not in GRAPH_TYPES:
                media = choose(request.headers.get("accept"), GRAPH_TYPES, fmt, True)
            assert answer.graph is not None
            body = serialize_graph(answer.graph, media)
        else:
            if media not in SELECT_TYPES:
                media = choose(request.headers.get("accept"), SELECT_TYPES, fmt)
            body = serialize_results(answer, media)
            if answer.truncated:
                headers["X-Result-Truncated"] = f"max-rows={state.settings.max_rows}"
        charset = "; charset=utf-8" if media.startswith("text/") or "json" in media else ""
        return Response(body, media_type=media + charset, headers=headers)

    async def answer_update(request: Request, text: str, params: dict[str, list[str]]) -> Response:
        token = state.settings.update_token
        auth = request.headers.get("authorization")
        if not auth:
            raise ProtocolError(
                401, "SPARQL Update needs 'Authorization: Bearer <token>'", {"WWW-Authenticate": "Bearer"}
            )
        scheme, _, given = auth.partition(" ")
        if token is None:
            raise ProtocolError(403, "SPARQL Update is disabled on this service (no token configured)")
        if scheme.lower() != "bearer" or given.strip() != token:
            raise ProtocolError(403, "the bearer token is not valid for SPARQL Update")
        try:
            text = add_using(text, params.get("using-graph-uri", []), params.get("using-named-graph-uri", []))
        except DatasetConflict as exc:
            raise ProtocolError(400, str(exc)) from None
        check_remote(text, state.settings.remote_allow)
        store = state.store()
        await state.run(lambda _deadline: store.update(text))
        state.holder.generation += 1
        return Response(status_code=204)

    async def dispatch(
        request: Request,
        params: dict[str, list[str]],
        body_query: str | None = None,
        body_update: str | None = None,
    ) -> Response:
        try:
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
        except ProtocolError as exc:
            return problem(exc.status, str(exc), plain=True, headers=exc.headers)
        except QuerySyntaxError as exc:
            return problem(400, f"SPARQL syntax error: {exc}", plain=True)
        except NotAcceptable as exc:
            return problem(406, str(exc), plain=True)
        except RemoteAccessRefused as exc:
            return problem(403, str(exc), plain=True)
        except QueryTimeout as exc:
            return problem(503, str(exc), plain=True, headers={"Retry-After": "1"})
        except StoreError as exc:
            return problem(503, str(exc), plain=True)
        except (OSError, ValueError) as exc:
            return problem(400, f"the query could not be evaluated: {exc}", plain=True)

    @api.get(
        "/sparql",
        summary="SPARQL query (GET), or the service description when no query is given",
        responses={
            200: {
                "description": "Results, in the negotiated format",
                "content": {m: {} for m in SELECT_TYPES + GRAPH_TYPES},
            },
            400: {"description": "Syntax error (with line and column) or protocol error"},
            406: {"description": "No acceptable result format"},
            503: {"description": "The query ran past the time limit"},
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
            return problem(400, "SPARQL Update is not allowed by GET; POST it", plain=True)
        if "query" not in params:
            accept = request.headers.get("accept", "")
            if "text/html" in accept and "turtle" not in accept:
                return RedirectResponse("/#editor", status_code=303)
            try:
                media = choose(accept, GRAPH_TYPES, _format(params), True)
            except NotAcceptable as exc:
                return problem(406, str(exc), plain=True)
            graph = service_description(state, str(request.url).split("?")[0])
            return Response(serialize_graph(graph, media), media_type=media)
        return await dispatch(request, params)

    @api.post(
        "/sparql",
        summary="SPARQL query or update (form POST or direct POST)",
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
            }
        },
    )
    async def sparql_post(request: Request) -> Response:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        try:
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
        except ProtocolError as exc:
            return problem(exc.status, str(exc), plain=True, headers=exc.headers)

    return api
