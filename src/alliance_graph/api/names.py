"""Name search and the W3C Reconciliation Service API over HTTP.

``GET /search`` finds entities by any name; ``/reconcile`` speaks the Reconciliation Service API
0.2 (manifest, batched queries, suggest, preview, data extension), so OpenRefine can reconcile a
spreadsheet against the graph. Both are thin: decoding and encoding only, the logic is in
``alliance_graph.names``. The reconciliation routes allow any origin, because OpenRefine calls
them from the analyst's browser.
"""

from __future__ import annotations

import html
import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..names import reconcile
from ..names.collect import KINDS
from ..names.lookup import NameLookup
from ..namespaces import shorten

_CORS = {"Access-Control-Allow-Origin": "*"}


def _json(document: dict[str, Any], callback: str | None = None) -> Response:
    if callback:
        if not callback.replace("_", "").replace(".", "").isalnum():
            raise HTTPException(422, "callback must be a JavaScript identifier")
        body = f"{callback}({json.dumps(document)})"
        return Response(body, media_type="application/javascript", headers=_CORS)
    return JSONResponse(document, headers=_CORS)


def _decode(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise HTTPException(400, f"{name} is not valid JSON: {exc.msg} at position {exc.pos}") from None


def router(lookup: NameLookup) -> APIRouter:
    api = APIRouter()

    @api.get("/search", tags=["names"], summary="Find entities by any name, in any script")
    async def search(
        q: Annotated[str, Query(min_length=1, max_length=200, description="A name in any script: 'Sber', 'PRC'")],
        kind: Annotated[str | None, Query(description=f"One of {', '.join(KINDS)}")] = None,
        lang: Annotated[str | None, Query(max_length=12, description="Only names in this language")] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> Response:
        """Each result has its score (0 to 100) and why it matched: the name, its language, and how."""
        if kind is not None and kind not in KINDS:
            raise HTTPException(422, f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}")
        index = await lookup.index()
        found = index.search(q, kind=kind, lang=lang, limit=limit)
        results = [{**m.as_dict(), "id": shorten(m.entity.iri)} for m in found]
        return JSONResponse({"query": q, "results": results})

    async def reconcile_request(request: Request) -> Response:
        return await _reconcile(lookup, request)

    api.add_api_route(
        "/reconcile",
        reconcile_request,
        methods=["GET", "POST"],
        tags=["reconciliation"],
        summary="W3C Reconciliation Service API 0.2: manifest, queries and data extension",
    )

    @api.get("/reconcile/suggest/entity", tags=["reconciliation"])
    async def suggest_entity(
        prefix: Annotated[str, Query(min_length=1, max_length=200)], type: str | None = None
    ) -> Response:
        kind = type if type in KINDS else None
        return _json(reconcile.suggest_entities(await lookup.index(), prefix, kind))

    @api.get("/reconcile/suggest/type", tags=["reconciliation"])
    async def suggest_type(prefix: Annotated[str, Query(max_length=200)] = "") -> Response:
        return _json(reconcile.suggest_types(prefix))

    @api.get("/reconcile/suggest/property", tags=["reconciliation"])
    async def suggest_property(prefix: Annotated[str, Query(max_length=200)] = "") -> Response:
        return _json(reconcile.suggest_properties(prefix))

    @api.get("/reconcile/propose_properties", tags=["reconciliation"])
    async def propose(type: str | None = None) -> Response:
        return _json(reconcile.propose_properties(type))

    @api.get("/reconcile/preview", tags=["reconciliation"], response_class=HTMLResponse)
    async def preview(id: Annotated[str, Query(min_length=1, max_length=300)]) -> Response:
        iri = reconcile.entity_iri(id)
        index = await lookup.index()
        entity = index.entities.get(iri)
        if entity is None:
            raise HTTPException(404, f"no entity {id!r}")
        body = (
            f"<div style='font:14px sans-serif'><b>{html.escape(entity.label)}</b> "
            f"<span>({html.escape(entity.kind)})</span><br><code>{html.escape(shorten(iri))}</code></div>"
        )
        return HTMLResponse(body, headers=_CORS)

    @api.options("/reconcile", include_in_schema=False)
    async def preflight() -> Response:
        return Response(
            headers={**_CORS, "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "*"}
        )

    return api


async def _answer_batch(lookup: NameLookup, batch: dict[str, reconcile.ReconQuery]) -> dict[str, Any]:
    index = await lookup.index()
    found = {key: reconcile.candidates_for(index, query) for key, query in batch.items()}
    pids = {prop.pid for query in batch.values() for prop in query.properties}
    iris = {match.entity.iri for matches in found.values() for match in matches}
    values = await lookup.property_values(iris, pids) if pids else {}
    return {key: reconcile.answer(index, query, found[key], values) for key, query in batch.items()}


async def _reconcile(lookup: NameLookup, request: Request) -> Response:
    """One reconciliation request: a batch of queries, a data extension, or the manifest."""
    params: dict[str, str] = dict(request.query_params)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            body = _decode("the body", (await request.body()).decode("utf-8", "replace"))
            if not isinstance(body, dict):
                raise HTTPException(400, "a JSON body must be an object with 'queries' or 'extend'")
            params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
        else:
            form = await request.form()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
    callback = params.get("callback")
    try:
        if "queries" in params:
            batch = reconcile.parse_queries(_decode("queries", params["queries"]))
            return _json(await _answer_batch(lookup, batch), callback)
        if "extend" in params:
            ids, pids = reconcile.parse_extension(_decode("extend", params["extend"]))
            values = await lookup.property_values([reconcile.entity_iri(i) for i in ids], pids)
            return _json(reconcile.extension(ids, pids, values), callback)
    except reconcile.ReconcileError as exc:
        raise HTTPException(400, str(exc)) from None
    return _json(reconcile.manifest(str(request.base_url)), callback)
