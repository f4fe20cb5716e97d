"""The 404 a browser sees: an HTML page in the site's frame, with a way to search for the name.

API clients keep their RFC 9457 Problem JSON (``errors.render``); only a request that prefers
``text/html`` to JSON gets this page, with the same status and request id. Its script
(``static/not-found.js``) offers the entities whose names are closest to the last part of the
address that was not found, through ``/search``.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from .negotiation import NotAcceptable, choose
from .templates import TEMPLATES

OFFERED = ("application/problem+json", "application/json", "text/html")


def wants_html(request: Request) -> bool:
    """Whether the client prefers an HTML page to Problem JSON (a browser does; ``*/*`` does not)."""
    if request.url.path.startswith("/sparql"):
        return False
    try:
        return choose(request.headers.get("accept"), OFFERED) == "text/html"
    except NotAcceptable:
        return False


def guess(path: str) -> str:
    """What the missing address probably names: its last segment, words apart.

    >>> guess("/id/state/RUSS"), guess("/id/institution/sber-bank"), guess("/")
    ('RUSS', 'sber bank', '')
    """
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last.replace("-", " ").replace("_", " ").strip()


def page(request: Request, message: str, rid: str, headers: dict[str, str]) -> Response:
    """The HTML 404 page for ``request``."""
    return TEMPLATES.TemplateResponse(
        request,
        "not_found.html",
        {"message": message, "path": request.url.path, "guess": guess(request.url.path), "request_id": rid},
        status_code=404,
        headers=headers,
    )
