"""The analysts' web UI: the page, its vendored assets, and the small JSON views it draws from.

The page (``templates/index.html`` + ``static/app.js``) works offline: its editor (CodeMirror 5
with the SPARQL mode), graph library (Cytoscape.js) and the API docs (Swagger UI, at ``/docs``)
are installed from npm into ``ui/`` by ``make`` and served under ``/vendor``. The JSON views feed
the entity pickers (label search), the editor's completion (prefixes and ontology terms) and the
network view (as of a date).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from rdflib import Literal
from rdflib.namespace import XSD

from ..namespaces import GRAPH_ONTOLOGY, PREFIXES, expand, local_path, shorten
from ..paths import project
from ..results import plain
from ..store import Answer
from . import conditional
from .errors import InvalidParameter, NotFound
from .state import ServiceState, client_of
from .templates import TEMPLATES

VENDOR_FILES = {
    "codemirror.js": "codemirror/lib/codemirror.js",
    "codemirror.css": "codemirror/lib/codemirror.css",
    "sparql.js": "codemirror/mode/sparql/sparql.js",
    "show-hint.js": "codemirror/addon/hint/show-hint.js",
    "show-hint.css": "codemirror/addon/hint/show-hint.css",
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
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

NETWORK_MEMBERSHIPS = """
SELECT ?member ?memberLabel ?memberKind ?group ?groupLabel ?roleLabel WHERE {
  VALUES ?as_of { %(as_of)s }
  ?m a ag:Membership ; org:member ?member ; org:organization ?group ; ag:role ?role ;
     ag:validFrom ?from .
  ?role ag:countsAsMembership true ; rdfs:label ?roleLabel .
  FILTER (?from <= ?as_of)
  FILTER NOT EXISTS { ?m ag:validUntil ?until . FILTER (?until <= ?as_of) }
  %(alliance)s
  %(topic_groups)s
  ?member rdfs:label ?memberLabel . ?group rdfs:label ?groupLabel .
  BIND (IF(EXISTS { ?member a ag:State }, "state", "institution") AS ?memberKind)
}
"""

NETWORK_COOPERATION = """
SELECT ?a ?aLabel ?b ?bLabel ?c ?cLabel WHERE {
  VALUES ?as_of { %(as_of)s }
  ?c a ag:Cooperation ; ag:concerns ?a , ?b ; ag:validFrom ?from .
  FILTER (STR(?a) < STR(?b) && ?from <= ?as_of)
  FILTER NOT EXISTS { ?c ag:validUntil ?until . FILTER (?until <= ?as_of) }
  %(topic_coop)s
  ?a rdfs:label ?aLabel . ?b rdfs:label ?bLabel .
  OPTIONAL { ?c rdfs:label ?cLabel }
}
"""


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
                "vendor": assets is not None,
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
        found = await rows(request, TERMS)
        return JSONResponse(
            {"prefixes": PREFIXES, "terms": [shorten(str(r["term"])) for r in found]}, headers=versioned(request)
        )

    @api.get("/api/network")
    async def network(
        request: Request, as_of: dt.date | None = None, topic: str | None = None, alliance: str | None = None
    ) -> Response:
        day = Literal((as_of or dt.date.today()).isoformat(), datatype=XSD.date).n3()
        try:
            topic_iri = expand(topic).n3() if topic else None
            alliance_iri = expand(alliance).n3() if alliance else None
        except ValueError as exc:
            raise InvalidParameter("topic" if topic else "alliance", str(exc)) from None
        parts = {
            "as_of": day,
            "alliance": f"FILTER (?group = {alliance_iri})" if alliance_iri else "",
            "topic_groups": f"?group ag:topic/skos:broaderTransitive? {topic_iri} ." if topic_iri else "",
            "topic_coop": f"?c ag:topic/skos:broaderTransitive? {topic_iri} ." if topic_iri else "",
        }
        memberships = await rows(request, NETWORK_MEMBERSHIPS % parts)
        cooperation = await rows(request, NETWORK_COOPERATION % parts)
        nodes: dict[str, dict[str, Any]] = {}
        edges: list[dict[str, Any]] = []

        def node(iri: str, label: Any, kind: str) -> str:
            nodes.setdefault(iri, {"id": iri, "label": plain(label), "kind": kind, "href": _id_path(iri)})
            return iri

        for r in memberships:
            source = node(str(r["member"]), r["memberLabel"], str(r["memberKind"]))
            target = node(str(r["group"]), r["groupLabel"], "grouping")
            edges.append({"source": source, "target": target, "kind": "membership", "label": plain(r["roleLabel"])})
        for r in cooperation:
            a = node(str(r["a"]), r["aLabel"], "state")
            b = node(str(r["b"]), r["bLabel"], "state")
            edges.append({"source": a, "target": b, "kind": "cooperation", "label": plain(r["cLabel"]) or ""})
        return JSONResponse(
            {"as_of": str(as_of or dt.date.today()), "nodes": list(nodes.values()), "edges": edges},
            headers=versioned(request),
        )

    return api


def mount_static(app: FastAPI) -> None:
    static = Path(__file__).resolve().parent.parent / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
