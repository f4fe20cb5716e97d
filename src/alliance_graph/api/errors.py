"""The one error table of the service, its request ids, access log and response headers.

``install(app)`` registers one handler per error kind; each kind maps to a status here and only
here. The JSON API answers Problem Details (RFC 9457, ``application/problem+json``); ``/sparql``
answers plain text, because SPARQL client libraries print the body as the message. Every
response carries ``X-Request-Id``; every 5xx is logged with it; no message shows a filesystem
path.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..queries import ParameterError
from ..store import (
    AnswerTooLarge,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooComplex,
    StoreError,
    StoreFull,
    UnreadableRequest,
)
from . import not_found
from .executor import Busy, QueryFailed, TooManyRequests, UpdateNotApplied
from .guard import RemoteAccessRefused
from .negotiation import NotAcceptable
from .update_dataset import DatasetConflict

log = logging.getLogger("alliance_graph.service")
access_log = logging.getLogger("alliance_graph.access")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
}
RETRY = {"Retry-After": "1"}
_PATH = re.compile(r"(?<![\w:/.])/(?:[\w.@+~-]+/)+[\w.@+~-]*")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class ProtocolError(Exception):
    """A request that breaks the protocol; ``status`` and the message go back to the client."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.headers = headers
        super().__init__(message)


class NotFound(LookupError):
    """Nothing is known under the requested address."""


class InvalidParameter(ValueError):
    """A request parameter is not acceptable; ``param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        super().__init__(message)


class Problem(BaseModel):
    """RFC 9457 Problem Details, as every JSON error of this service is shaped."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    requestId: str | None = None
    errors: list[dict[str, Any]] | None = None


#: (error kind, status, title, extra headers): the first matching row decides.
TABLE: list[tuple[type[BaseException], int, str, dict[str, str]]] = [
    (InvalidParameter, 422, "Invalid parameter", {}),
    (ParameterError, 422, "Invalid parameter", {}),
    (RequestValidationError, 422, "Invalid request", {}),
    (NotFound, 404, "Not found", {}),
    (QuerySyntaxError, 400, "SPARQL syntax error", {}),
    (QueryTooComplex, 400, "Request too complex", {}),
    (UnreadableRequest, 400, "Request cannot be checked", {}),
    (DatasetConflict, 400, "Dataset conflict", {}),
    (QueryFailed, 400, "Query could not be evaluated", {}),
    (NotAcceptable, 406, "Not acceptable", {}),
    (RemoteAccessRefused, 403, "Remote access refused", {}),
    (AnswerTooLarge, 422, "Answer too large", {}),
    (TooManyRequests, 429, "Too many requests", RETRY),
    (Busy, 503, "Busy", RETRY),
    (QueryTimeout, 503, "Time limit", RETRY),
    (UpdateNotApplied, 503, "Update not applied", RETRY),
    (StoreFull, 507, "Insufficient storage", {}),
    (StoreError, 503, "Graph unavailable", RETRY),
]


def scrub(message: str) -> str:
    """The message without filesystem paths."""
    return _PATH.sub("(path)", message)


def request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id") or "-")


def classify(exc: BaseException) -> tuple[int, str, dict[str, str]]:
    if isinstance(exc, ProtocolError):
        return exc.status, "Protocol error", dict(exc.headers or {})
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, str(exc.detail) if exc.status_code >= 500 else "HTTP error", dict(exc.headers or {})
    for kind, status, title, headers in TABLE:
        if isinstance(exc, kind):
            return status, title, dict(headers)
    return 500, "Internal error", {}


def _message(exc: BaseException, status: int, rid: str) -> str:
    if status == 500:
        return f"the service failed on this request (request id {rid}); the operator's log has the details"
    if isinstance(exc, StarletteHTTPException):
        return str(exc.detail)
    if isinstance(exc, RequestValidationError):
        return "; ".join(str(e.get("msg")) for e in exc.errors()) or "the request is not valid"
    if isinstance(exc, QuerySyntaxError):
        return f"SPARQL syntax error: {exc}"
    return scrub(str(exc))


def _errors(exc: BaseException) -> list[dict[str, Any]] | None:
    if isinstance(exc, InvalidParameter | ParameterError):
        return [{"loc": ["query", exc.param], "msg": str(exc), "type": "value_error"}]
    if isinstance(exc, RequestValidationError):
        return [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": str(e.get("type"))} for e in exc.errors()
        ]
    return None


def render(exc: BaseException, path: str, rid: str) -> Response:
    """The response for an error: its status from the table, plain text for /sparql."""
    status, title, headers = classify(exc)
    message = _message(exc, status, rid)
    if status >= 500:
        if status == 500:
            log.error("request %s failed: %s", rid, path, exc_info=exc)
        else:
            log.warning("request %s answered %d: %s", rid, status, message)
        message = message if "request id" in message else f"{message} (request id {rid})"
    if path.startswith("/sparql"):
        return PlainTextResponse(message + "\n", status_code=status, headers=headers)
    body = Problem(title=title, status=status, detail=message, instance=path, requestId=rid, errors=_errors(exc))
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, headers=headers, media_type="application/problem+json"
    )


async def _handler(request: Request, exc: Exception) -> Response:
    status, _title, headers = classify(exc)
    if status == 404 and not_found.wants_html(request):  # a browser: the page, in the site's frame
        message = _message(exc, status, request_id(request))
        return not_found.page(request, message, request_id(request), headers)
    return render(exc, request.url.path, request_id(request))


def install(app: FastAPI) -> None:
    """Register the table's handlers and the outer middleware (request id, headers, access log)."""
    kinds: set[type[Exception]] = {kind for kind, *_ in TABLE if issubclass(kind, Exception)}
    kinds |= {ProtocolError, StarletteHTTPException}
    for kind in kinds:
        app.add_exception_handler(kind, _handler)
    app.add_middleware(RequestContext)


class RequestContext:
    """Outermost middleware: request id, security headers, access log, and the 500 of last
    resort (so that even an unexpected error carries its request id)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(
        self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope.get("method") == "HEAD"
        if head:  # HEAD is GET without the body, for every GET route
            scope = dict(scope, method="GET")
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = {"code": 500, "sent": False}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _v in headers}
                headers.append((b"x-request-id", rid.encode()))
                for key, value in SECURITY_HEADERS.items():
                    if key.lower().encode() not in present:
                        headers.append((key.lower().encode(), value.encode()))
                message["headers"] = headers
            elif message["type"] == "http.response.body" and head:
                message = dict(message, body=b"")
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            if status["sent"]:
                log.error("request %s failed after its answer began", rid, exc_info=exc)
            else:
                response = render(exc, scope.get("path", ""), rid)
                await response(scope, receive, send_with_headers)
        finally:
            client = scope.get("client") or ("-", 0)
            access_log.info(
                '%s "%s %s" %s %.1fms id=%s',
                client[0],
                "HEAD" if head else scope.get("method"),
                scope.get("path"),
                status["code"],
                (time.perf_counter() - started) * 1000,
                rid,
            )
