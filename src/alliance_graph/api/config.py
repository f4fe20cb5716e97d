"""Operator settings of the service, read from the environment once at start-up.

The store backend is decided by :func:`alliance_graph.store.parse_spec` (the one place that
decides it): ``ALLIANCE_GRAPH_STORE=memroy`` is an error at start-up, never the disk store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import project
from ..store import StoreError, StoreSpec, parse_spec


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise StoreError(f"{name} must be positive")
    return value


def _int(name: str, default: int) -> int:
    return int(_number(name, default))


def _switch(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    text = raw.strip().lower()
    if text in {"on", "1", "true", "yes"}:
        return True
    if text in {"off", "0", "false", "no"}:
        return False
    raise StoreError(f"{name}={raw!r} is not on or off")


def _readers() -> int:
    return _int("ALLIANCE_GRAPH_READERS", max(4, (os.cpu_count() or 2) * 2))


@dataclass(frozen=True)
class Settings:
    """What an operator can tune; every field has an environment variable."""

    var_dir: Path = field(default_factory=lambda: project().var_dir)
    #: ALLIANCE_GRAPH_STORE: ``oxigraph`` (the build under var/), ``memory`` or ``sparql+http://host:port/query``.
    store: StoreSpec = field(default_factory=parse_spec)
    queries_dir: Path = field(default_factory=lambda: project().queries_dir)
    #: ALLIANCE_GRAPH_UPDATE_TOKEN: bearer token for SPARQL Update; updates are refused without it.
    update_token: str | None = field(default_factory=lambda: os.environ.get("ALLIANCE_GRAPH_UPDATE_TOKEN") or None)
    #: ALLIANCE_GRAPH_QUERY_TIMEOUT: seconds a query may run (from when a worker takes it).
    query_timeout: float = field(default_factory=lambda: _number("ALLIANCE_GRAPH_QUERY_TIMEOUT", 5.0))
    #: ALLIANCE_GRAPH_UPDATE_TIMEOUT: seconds an update may run before it is stopped, unapplied.
    update_timeout: float = field(default_factory=lambda: _number("ALLIANCE_GRAPH_UPDATE_TIMEOUT", 30.0))
    #: ALLIANCE_GRAPH_MAX_ROWS: rows a SELECT returns at most; a longer answer is cut and says so.
    max_rows: int = field(default_factory=lambda: _int("ALLIANCE_GRAPH_MAX_ROWS", 10_000))
    #: ALLIANCE_GRAPH_MAX_BODY: bytes a request body may have.
    max_body: int = field(default_factory=lambda: _int("ALLIANCE_GRAPH_MAX_BODY", 1_000_000))
    #: ALLIANCE_GRAPH_MAX_ANSWER_BYTES: bytes one answer may have; a larger one is an error.
    max_answer_bytes: int = field(default_factory=lambda: _int("ALLIANCE_GRAPH_MAX_ANSWER_BYTES", 32_000_000))
    #: ALLIANCE_GRAPH_CACHE_BYTES: bytes the answer cache may hold.
    cache_bytes: int = field(default_factory=lambda: _int("ALLIANCE_GRAPH_CACHE_BYTES", 64_000_000))
    #: ALLIANCE_GRAPH_ANSWER_CACHE: ``off`` answers every request cold (no answer or page is kept):
    #: for measuring what a first request costs, and for the benchmark's cold column.
    answer_cache: bool = field(default_factory=lambda: _switch("ALLIANCE_GRAPH_ANSWER_CACHE", True))
    #: ALLIANCE_GRAPH_READERS: query worker processes (default: twice the cores, at least 4).
    readers: int = field(default_factory=_readers)
    #: ALLIANCE_GRAPH_CLIENT_CONCURRENCY: queries one client address may have in flight (429 beyond).
    client_concurrency: int = field(default_factory=lambda: _int("ALLIANCE_GRAPH_CLIENT_CONCURRENCY", 2))
    #: ALLIANCE_GRAPH_REMOTE_ALLOW: space-separated URL prefixes SERVICE and LOAD may reach.
    remote_allow: tuple[str, ...] = field(
        default_factory=lambda: tuple(os.environ.get("ALLIANCE_GRAPH_REMOTE_ALLOW", "").split())
    )
    #: ALLIANCE_GRAPH_CORS_ORIGINS: space-separated origins allowed to read cross-site (``*`` = any).
    cors_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(os.environ.get("ALLIANCE_GRAPH_CORS_ORIGINS", "*").split())
    )
