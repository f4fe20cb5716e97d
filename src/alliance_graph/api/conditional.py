"""HTTP caching from the dataset version: ``ETag``, ``Last-Modified``, ``304``, ``Cache-Control``.

An answer is a function of the request and the dataset version, so the version names the answer:
a client that revalidates gets ``304 Not Modified`` without the query being run again, and every
answer says in ``X-Dataset-Version`` which version it was computed on.
"""

from __future__ import annotations

import hashlib
import json
from email.utils import formatdate, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response

from .executor import DatasetVersion

VERSION_HEADER = "X-Dataset-Version"
CACHE_CONTROL = "public, no-cache"


def etag(version: DatasetVersion, request: Request) -> str:
    """A strong tag of (version, URL, negotiated headers)."""
    parts = [version.tag, str(request.url), request.headers.get("accept", "")]
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + '"'


def headers(version: DatasetVersion, request: Request | None = None) -> dict[str, str]:
    out = {VERSION_HEADER: version.header()}
    if request is not None and request.method in {"GET", "HEAD"}:
        out["ETag"] = etag(version, request)
        out["Last-Modified"] = formatdate(version.published, usegmt=True)
        out["Cache-Control"] = CACHE_CONTROL
    return out


def not_modified(version: DatasetVersion, request: Request) -> Response | None:
    """A 304 when the client's copy is of this version, else None."""
    if request.method not in {"GET", "HEAD"}:
        return None
    tags = request.headers.get("if-none-match")
    if tags is not None:
        wanted = {t.strip().removeprefix("W/") for t in tags.split(",")}
        if "*" in wanted or etag(version, request) in wanted:
            return Response(status_code=304, headers=headers(version, request))
        return None
    since = request.headers.get("if-modified-since")
    if since:
        try:
            moment = parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return None
        if int(version.published) <= moment:
            return Response(status_code=304, headers=headers(version, request))
    return None


def with_version(body: bytes, version: DatasetVersion) -> bytes:
    """A JSON object body with a ``datasetVersion`` member added first (no re-parse)."""
    if not body.startswith(b"{"):
        return body
    member = b'{"datasetVersion": ' + json.dumps(version.as_json()).encode()
    return member + (b", " + body[1:] if body[1:].strip() != b"}" else b"}")
