"""``/healthz`` (cheap liveness and what is served) and ``/readyz`` (a query really runs).

``/healthz`` reads only what the executor keeps per dataset version (the triple count is counted
once, by the writer, when a version is published); it never touches the store on the event loop
and never shows a filesystem path.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from ..store import StoreError
from .errors import Problem
from .state import ServiceState


class Health(BaseModel):
    status: str
    store: str
    triples: int
    build: dict[str, Any]
    datasetVersion: dict[str, Any]
    executor: dict[str, Any]


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(tags=["Health"])
    executor = state.executor

    @api.get(
        "/healthz",
        summary="Liveness: the store, its size, and the dataset version it serves",
        response_model=Health,
        responses={503: {"model": Problem}},
    )
    async def healthz() -> Response:
        try:
            version = executor.version()
        except StoreError as exc:
            return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
        build = dict(getattr(executor, "_build_info", {}) or {})
        return JSONResponse(
            {
                "status": "ok",
                "store": state.settings.store.kind,
                "triples": version.triples,
                "build": build,
                "datasetVersion": version.as_json(),
                "executor": executor.stats(),
            }
        )

    @api.get("/readyz", summary="Readiness: a query runs through a worker", responses={503: {"model": Problem}})
    async def readyz() -> Response:
        if await executor.ready():
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "not ready"}, status_code=503)

    return api
