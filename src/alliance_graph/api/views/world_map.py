"""The workbench's map page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..state import ServiceState
from ..templates import TEMPLATES


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/map", response_class=HTMLResponse)
    async def page(request: Request) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, "views/map.html", {"view": "map"})

    return api
