"""Operator settings of the service, read from the environment once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import project


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    """What an operator can tune; every field has an environment variable."""

    var_dir: Path = field(default_factory=lambda: project().var_dir)
    #: ALLIANCE_GRAPH_STORE: ``oxigraph`` (the build under var/) or ``sparql+http://host:port/query``.
    store: str = field(default_factory=lambda: os.environ.get("ALLIANCE_GRAPH_STORE", "oxigraph"))
    queries_dir: Path = field(default_factory=lambda: project().queries_dir)
    #: ALLIANCE_GRAPH_UPDATE_TOKEN: bearer token for SPARQL Update; updates are refused without it.
    update_token: str | None = field(default_factory=lambda: os.environ.get("ALLIANCE_GRAPH_UPDATE_TOKEN") or None)
    #: ALLIANCE_GRAPH_QUERY_TIMEOUT: seconds a query may run before it is stopped.
    query_timeout: float = field(default_factory=lambda: _float("ALLIANCE_GRAPH_QUERY_TIMEOUT", 5.0))
    #: ALLIANCE_GRAPH_MAX_ROWS: rows a SELECT returns at most; a longer answer is cut and says so.
    max_rows: int = field(default_factory=lambda: _int("ALLIANCE_GRAPH_MAX_ROWS", 10_000))
    #: ALLIANCE_GRAPH_MAX_BODY: bytes a request body may have.
    max_body: int = field(default_factory=lambda: _int("ALLIANCE_GRAPH_MAX_BODY", 1_000_000))
    #: ALLIANCE_GRAPH_REMOTE_ALLOW: space-separated URL prefixes SERVICE and LOAD may reach.
    remote_allow: tuple[str, ...] = field(
        default_factory=lambda: tuple(os.environ.get("ALLIANCE_GRAPH_REMOTE_ALLOW", "").split())
    )
