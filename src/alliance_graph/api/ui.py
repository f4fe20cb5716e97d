"""The analysts' web UI: the front page, its vendored assets, and the small JSON views it draws from.

The front page (``templates/index.html`` + ``static/questions/``) is the gallery of named
questions and their answers, drawn from ``/queries/{name}`` itself (its ``sparql`` field is the
question with its values bound, which "SPARQL in the editor" hands to ``/editor?query=``). The
other views have their own modules (``api/views``). Everything works offline: npm's files
(write-excel-file, Swagger UI at ``/docs``, …) are installed into ``ui/`` by ``make`` and served
under ``/vendor``. The JSON views feed the editor's completion (prefixes and ontology terms); the
network's feed lives with its view, ``views/network.py``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ..namespaces import GRAPH_ONTOLOGY, PREFIXES, local_path, shorten
from ..paths import project
from ..store import Answer
from . import conditional
from .errors import NotFound
from .state import ServiceState, client_of
from .templates import TEMPLATES

VENDOR_FILES = {
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
}

#: The API docs page: Swagger UI from the vendored files inside the site's frame (no CDN, no
#: inline script: ``static/docs.js`` starts it and marks the page ready).
DOCS_TEMPLATE = "docs.html"

TERMS = """
SELECT ?term WHERE {
  GRAPH %(graph)s {
    { ?term a owl:Class } UNION { ?term a owl:ObjectProperty } UNION { ?term a owl:DatatypeProperty }
  }
  FILTER (isIRI(?term))
} ORDER BY ?term
""".replace("%(graph)s", GRAPH_ONTOLOGY.n3())


def ui_assets() -> Path | None:
    """Where npm installed the page's libraries: ``ALLIANCE_GRAPH_UI_ASSETS`` if set, else
    ``ui/node_modules`` of the project home, else of the source checkout the package runs from
    (when it runs from one); None when none is installed (the page then works without them)."""
    override = os.environ.get("ALLIANCE_GRAPH_UI_ASSETS")
    candidates = [Path(override)] if override else []
    candidates.append(project().home / "ui" / "node_modules")
    candidates.append(Path(__file__).resolve().parents[3] / "ui" / "node_modules")
    return next((c for c in candidates if c.is_dir()), None)


#: What may be served from node_modules, and as what: scripts, styles, data and fonts, never a
#: package's shell scripts or dotfiles.
VENDOR_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
}


def vendor_file(assets: Path | None, relative: str) -> Path | None:
    """The installed file ``relative`` names inside ``assets``, or None: nothing outside the
    folder (no ``..``, no symlink out), no hidden path, only the types of ``VENDOR_TYPES``."""
    if assets is None or any(part.startswith(".") for part in Path(relative).parts):
        return None
    root = assets.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or candidate.suffix not in VENDOR_TYPES or not candidate.is_file():
        return None
    return candidate


def _id_path(iri: str) -> str:
    return local_path(iri) or iri


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    assets = ui_assets()

    def versioned(request: Request) -> dict[str, str]:
        return conditional.headers(state.executor.version(), request)

    async def rows(request: Request, text: str) -> list[dict[str, Any]]:
        answer: Answer | None = (await state.executor.query(text, client=client_of(request))).answer
        assert answer is not None
        return answer.dicts()

    @api.get("/", response_class=HTMLResponse)
    async def index(request: Request) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            request,
            "index.html",
            {
                "queries": list(state.catalogue.values()),
                "view": "questions",
                "today": dt.date.today(),
            },
        )

    @api.get("/docs", response_class=HTMLResponse)
    async def docs(request: Request) -> HTMLResponse:
        """Swagger UI from the vendored files, in the site's frame: works offline, no inline script (CSP)."""
        return TEMPLATES.TemplateResponse(request, DOCS_TEMPLATE, {"view": "api", "vendor": assets is not None})

    @api.get("/vendor/{name:path}")
    async def vendor(name: str) -> Response:
        """A file of an npm package in ``ui/node_modules`` (or one of the short aliases above)."""
        found = vendor_file(assets, VENDOR_FILES.get(name, name))
        if found is None:
            raise NotFound(f"{name} is not installed: run 'make' (npm ci in ui/)")
        return Response(
            found.read_bytes(),
            media_type=VENDOR_TYPES[found.suffix],
            headers={"Cache-Control": "public, max-age=3600"},
        )

    @api.get("/api/terms")
    async def terms(request: Request) -> Response:
        """The prefixes the service predeclares and the ontology's terms, for completion."""
        found = await rows(request, TERMS)
        return JSONResponse(
            {"prefixes": PREFIXES, "terms": [shorten(str(r["term"])) for r in found]}, headers=versioned(request)
        )

    return api


def mount_static(app: FastAPI) -> None:
    static = Path(__file__).resolve().parent.parent / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
