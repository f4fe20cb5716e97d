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

from ..queries import NamedQuery, ParameterError, page_of, paged_text
from ..results import columns_of, evidence_details, evidence_query, records, to_csv
from ..store import QuerySyntaxError, QueryTimeout, StoreError
from .errors import problem
from .negotiation import NotAcceptable, choose
from .state import ServiceState

PAGING = {"limit", "offset", "format"}
MAX_LIMIT = 10_000


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
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
        {
            "name": "format",
            "in": "query",
            "description": "json (default) or csv",
            "schema": {"type": "string", "enum": ["json", "csv"]},
        },
    ]
    return params


def _unprocessable(param: str, message: str) -> JSONResponse:
    return JSONResponse({"detail": [{"loc": ["query", param], "msg": message, "type": "value_error"}]}, status_code=422)


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(tags=["Named questions"])

    @api.get("/queries", summary="The catalogue of named analyst questions")
    async def catalogue() -> list[dict[str, Any]]:
        return [describe(q) for q in state.catalogue.values()]

    def make_operation(query: NamedQuery):
        async def operation(request: Request) -> Response:
            raw = request.query_params
            unknown = sorted(set(raw.keys()) - PAGING - {p.name for p in query.parameters})
            if unknown:
                return _unprocessable(unknown[0], f"{query.name} has no parameter {unknown[0]!r}")
            try:
                limit = int(raw.get("limit", 100))
                offset = int(raw.get("offset", 0))
            except ValueError:
                return _unprocessable("limit", "limit and offset are integers")
            if not 1 <= limit <= MAX_LIMIT or offset < 0:
                return _unprocessable("limit", f"limit is 1 to {MAX_LIMIT}, offset 0 or more")
            values: dict[str, Any] = {
                p.name: (raw.getlist(p.name) if p.many else raw.get(p.name)) for p in query.parameters if p.name in raw
            }
            try:
                media = choose(request.headers.get("accept"), ["application/json", "text/csv"], raw.get("format"))
                store = state.store()
                paged, text = await state.run(lambda _deadline: paged_text(store, query, values, limit, offset))
                page = page_of(await state.query(paged), limit, offset, text)
            except ParameterError as exc:
                return _unprocessable(exc.param, str(exc))
            except NotAcceptable as exc:
                return problem(406, str(exc))
            except QueryTimeout as exc:
                return problem(503, str(exc))
            except (StoreError, QuerySyntaxError) as exc:
                return problem(503, str(exc))
            answer = page.answer
            has_evidence = "sources" in answer.variables
            columns = columns_of(answer, has_evidence)
            evidence_text = evidence_query(answer)
            evidence = evidence_details(await state.query(evidence_text) if evidence_text else None)
            rows = records(answer, evidence if has_evidence else None)
            if media == "text/csv":
                return Response(to_csv(rows, columns), media_type="text/csv; charset=utf-8")
            next_url = None
            if page.has_more:
                params = [(k, v) for k, v in raw.multi_items() if k != "offset"]
                next_url = f"{request.url.path}?{urlencode([*params, ('offset', offset + limit)])}"
            return JSONResponse(
                {
                    "query": query.name,
                    "title": query.title,
                    "parameters": {k: v for k, v in values.items()},
                    "columns": columns,
                    "rows": rows,
                    "limit": limit,
                    "offset": offset,
                    "next": next_url,
                    "sparql": page.sparql,
                }
            )

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
                422: {"description": "A parameter value is not acceptable; the message names it"},
                503: {"description": "The query ran past the time limit"},
            },
        )

    @api.get("/queries/{name}", include_in_schema=False)
    async def unknown(name: str) -> Response:
        return problem(404, f"no named question {name!r}; GET /queries lists them")

    return api
