"""The analysts' web UI: one page of static HTML and JavaScript that calls the API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from .linked import TEMPLATES
from .state import ServiceState


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/", response_class=HTMLResponse)
    async def index(request: Request) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, "index.html", {"queries": list(state.catalogue.values())})

    return api
