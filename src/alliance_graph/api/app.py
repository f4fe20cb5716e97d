"""The FastAPI application factory: settings in, executor started, routers and the error table
wired, nothing else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi

from .. import __version__
from ..names.lookup import NameLookup
from ..store import Answer
from . import errors, health, linked, named, names, sparql, ui, views
from .config import Settings
from .state import ServiceState

DESCRIPTION = """\
A sourced knowledge graph of the international politics of AI.

* **/sparql** — the SPARQL 1.1 Protocol (query; update with a bearer token). Every project prefix
  (`ag: state: alliance: inst: tech: src: …`) is predeclared.
* **/queries** — named analyst questions, each an operation below with typed parameters; every
  row carries its evidence.
* **/id/…** — every entity dereferences: HTML for browsers, Turtle / JSON-LD / N-Triples by Accept.

Every answer names the dataset version it was computed on (`X-Dataset-Version`, and
`datasetVersion` in JSON); errors are Problem Details (RFC 9457), plain text on `/sparql`.
"""


def _logging() -> None:
    """The service's own log (errors with request ids, the access log) on stderr, once."""
    logger = logging.getLogger("alliance_graph")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def create_app(settings: Settings | None = None) -> FastAPI:
    _logging()
    state = ServiceState.create(settings or Settings())

    async def names_query(text: str) -> Answer:
        result = await state.executor.query(text, client="name-index")
        if result.answer is None:
            raise RuntimeError("the name index query returned no answer")
        return result.answer

    lookup = NameLookup(names_query, lambda: state.executor.version().tag)

    async def warm_names() -> None:
        """Build the name index once the workers are up, so that the first search (an analyst's
        first keystroke in a picker) does not wait for it: 1.5 s on the curated graph, and past
        the query time limit on a loaded machine. A failure here only means the first search
        builds it, as every search after a graph change does."""
        try:
            await lookup.index()
        except Exception as exc:  # logged: the first search builds the index instead
            logging.getLogger("alliance_graph.service").warning("name index not built at start: %s", exc)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await state.executor.start()
        warming = asyncio.create_task(warm_names())
        yield
        warming.cancel()
        await state.executor.close()

    app = FastAPI(
        title="AI Alliance Graph",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = state
    app.state.names = lookup

    app.include_router(ui.router(state))
    for view in views.routers(state):
        app.include_router(view)
    app.include_router(sparql.router(state))
    app.include_router(named.router(state, lookup))
    app.include_router(linked.router(state))
    app.include_router(health.router(state))

    app.include_router(names.router(lookup))
    ui.mount_static(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(state.settings.cors_origins),
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=["Accept", "Content-Type"],
        expose_headers=["ETag", "Last-Modified", "X-Dataset-Version", "X-Result-Truncated", "X-Request-Id"],
    )
    errors.install(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            components = schema.setdefault("components", {})
            components.setdefault("securitySchemes", {})["bearerAuth"] = {
                "type": "http",
                "scheme": "bearer",
                "description": "ALLIANCE_GRAPH_UPDATE_TOKEN; needed for SPARQL Update only",
            }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
