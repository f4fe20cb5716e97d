"""``/queries``: the catalogue of named questions, each its own documented API operation.

Every ``.rq`` file becomes ``GET /queries/{name}`` with its typed parameters in the OpenAPI spec;
values are checked and bound by ``alliance_graph.queries`` (never pasted into the text), and a bad
one is a 422 naming the parameter. Rows carry their evidence (source URL, title, publisher, date,
quote); pages have ``limit``/``offset`` and a ``next`` link; JSON or CSV.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import QueryParams

from ..names.lookup import NameLookup
from ..names.resolve import needs_index, resolve_names
from ..namespaces import expand
from ..queries import NamedQuery, ParameterError, bind, page_of, paged_text
from ..results import columns_of, evidence_details, evidence_query, records, to_csv
from ..store import Answer
from . import conditional
from .errors import InvalidParameter, NotFound, Problem
from .negotiation import choose
from .serialize import neutralise
from .state import ServiceState, client_of

PAGING = {"limit", "offset", "format"}
MAX_LIMIT = 10_000
#: Deeper pages are refused (422): the engine would enumerate every skipped row first.
MAX_OFFSET = 1_000_000


def describe(query: NamedQuery) -> dict[str, Any]:
    """The catalogue entry of one question."""
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "href": f"/queries/{query.name}",
        "evidence": query.evidence,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "many": p.many,
                "required": p.required,
                "class": p.cls,
                "values": list(p.values) or None,
                "default": p.default,
                "example": p.example,
                "description": p.description,
            }
            for p in query.parameters
        ],
        "sparql": query.body,
    }


def _openapi_parameters(query: NamedQuery) -> list[dict[str, Any]]:
    params = []
    for p in query.parameters:
        text = p.description
        if p.cls:
            text += f" (an IRI or prefixed name of a {p.cls})"
        if p.default is not None:
            text += f"; default {p.default}"
        entry: dict[str, Any] = {
            "name": p.name,
            "in": "query",
            "required": p.required and p.default is None,
            "description": text,
            "schema": p.schema(),
        }
        if p.example is not None:
            entry["example"] = [p.example] if p.many else p.example
        params.append(entry)
    params += [
        {
            "name": "limit",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100},
        },
        {
            "name": "offset",
            "in": "query",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        },
        {
            "name": "format",
            "in": "query",
            "description": "json (default) or csv",
            "schema": {"type": "string", "enum": ["json", "csv"]},
        },
    ]
    return params


def _integer(raw: Any, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        raise InvalidParameter(name, f"{name} is an integer") from None
    if not low <= value <= high:
        raise InvalidParameter(name, f"{name} is {low} to {high}")
    return value


def _csv_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: neutralise(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]


async def _values_of(
    query: NamedQuery, raw: QueryParams, lookup: NameLookup | None
) -> tuple[dict[str, Any], list[str]]:
    """The question's parameter values from the query string, names given for IRIs resolved."""
    values: dict[str, Any] = {
        p.name: (raw.getlist(p.name) if p.many else raw.get(p.name)) for p in query.parameters if p.name in raw
    }
    if lookup is not None and needs_index(query, values):
        return resolve_names(query, values, await lookup.index())
    return values, []


def router(state: ServiceState, lookup: NameLookup | None = None) -> APIRouter:
    api = APIRouter(tags=["Named questions"])
    executor = state.executor

    @api.get("/queries", summary="The catalogue of named analyst questions")
    async def catalogue() -> list[dict[str, Any]]:
        return [describe(q) for q in state.catalogue.values()]

    async def rows_of(request: Request, text: str) -> Answer:
        answer = (await executor.query(text, client=client_of(request))).answer
        assert answer is not None
        return answer

    async def check_classes(request: Request, query: NamedQuery, values: dict[str, Any]) -> None:
        """Each IRI parameter with a class must name a known instance of it (as the CLI checks)."""
        _text, bound = bind(query, values, None)
        for param in query.parameters:
            if not param.cls:
                continue
            cls = expand(param.cls)
            for term in bound.get(param.name, []):
                answer = await rows_of(request, f"ASK {{ {term.n3()} a {cls.n3()} }}")
                if not answer.boolean:
                    from ..namespaces import shorten

                    raise ParameterError(param.name, f"{shorten(str(term))} is not a known {shorten(str(cls))}")

    def make_operation(query: NamedQuery):  # type: ignore[no-untyped-def]
        async def operation(request: Request) -> Response:
            raw = request.query_params
            unknown = sorted(set(raw.keys()) - PAGING - {p.name for p in query.parameters})
            if unknown:
                raise InvalidParameter(unknown[0], f"{query.name} has no parameter {unknown[0]!r}")
            limit = _integer(raw.get("limit"), "limit", 100, 1, MAX_LIMIT)
            offset = _integer(raw.get("offset"), "offset", 0, 0, MAX_OFFSET)
            values, resolved = await _values_of(query, raw, lookup)
            media = choose(request.headers.get("accept"), ["application/json", "text/csv"], raw.get("format"))
            await executor.refresh()
            version = executor.version()
            unchanged = conditional.not_modified(version, request)
            if unchanged is not None:
                return unchanged
            key = ("named", str(request.url), media)
            cached = executor.cache.get(version.tag, key)
            headers = conditional.headers(version, request) | {"Vary": "Accept"}
            if cached is not None:  # the whole page, as computed on this version
                return Response(cached[0], media_type=cached[2], headers=headers | {"X-Cache": "hit"})
            paged, text = paged_text(None, query, values, limit, offset)
            await check_classes(request, query, values)
            page = page_of(await rows_of(request, paged), limit, offset, text)
            answer = page.answer
            has_evidence = "sources" in answer.variables
            columns = columns_of(answer, has_evidence)
            evidence_text = evidence_query(answer)
            evidence = evidence_details(await rows_of(request, evidence_text) if evidence_text else None)
            rows = records(answer, evidence if has_evidence else None)
            if media == "text/csv":
                body = to_csv(_csv_rows(rows), columns).encode("utf-8")
                executor.cache.put(version.tag, key, body, False, "text/csv; charset=utf-8")
                return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
            next_url = None
            if page.has_more:
                params = [(k, v) for k, v in raw.multi_items() if k != "offset"]
                next_url = f"{request.url.path}?{urlencode([*params, ('offset', offset + limit)])}"
            page_json = JSONResponse(
                {
                    "query": query.name,
                    "title": query.title,
                    "parameters": {k: v for k, v in values.items()},
                    "resolved": resolved,
                    "columns": columns,
                    "rows": rows,
                    "limit": limit,
                    "offset": offset,
                    "next": next_url,
                    "sparql": page.sparql,
                    "datasetVersion": version.as_json(),
                },
                headers=headers,
            )
            executor.cache.put(version.tag, key, bytes(page_json.body), False, "application/json")
            return page_json

        operation.__name__ = "query_" + query.name.replace("-", "_")
        return operation

    for query in state.catalogue.values():
        api.add_api_route(
            f"/queries/{query.name}",
            make_operation(query),
            methods=["GET"],
            summary=query.title,
            description=query.description,
            openapi_extra={"parameters": _openapi_parameters(query)},
            responses={
                200: {"description": "A page of rows, each with its evidence", "content": {"text/csv": {}}},
                304: {"description": "Not modified since the dataset version the client has"},
                406: {"description": "Neither JSON nor CSV is acceptable", "model": Problem},
                422: {"description": "A parameter value is not acceptable; the message names it", "model": Problem},
                429: {"description": "Too many queries in flight from this client", "model": Problem},
                503: {"description": "The query ran past the time limit", "model": Problem},
            },
        )

    @api.get("/queries/{name}", include_in_schema=False)
    async def unknown(name: str) -> Response:
        raise NotFound(f"no named question {name!r}; GET /queries lists them")

    return api
