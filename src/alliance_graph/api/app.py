"""The FastAPI application factory: settings in, routers wired, nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..names.lookup import NameLookup
from . import linked, named, names, sparql, ui
from .config import Settings
from .state import ServiceState

DESCRIPTION = """\
A sourced knowledge graph of the international politics of AI.

* **/sparql** — the SPARQL 1.1 Protocol (query; update with a bearer token). Every project prefix
  (`ag: state: alliance: inst: tech: src: …`) is predeclared.
* **/queries** — named analyst questions, each an operation below with typed parameters; every
  row carries its evidence.
* **/id/…** — every entity dereferences: HTML for browsers, Turtle / JSON-LD / N-Triples by Accept.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    state = ServiceState.create(settings or Settings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.workers.close()
        state.holder.close()

    app = FastAPI(title="AI Alliance Graph", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.service = state
    app.include_router(ui.router(state))
    app.include_router(sparql.router(state))
    app.include_router(named.router(state))
    app.include_router(linked.router(state))
    version = lambda: (state.holder.location.current.resolve(), state.holder.generation)  # noqa: E731
    app.include_router(names.router(NameLookup(state.query, version)))
    ui.mount_static(app)
    return app
