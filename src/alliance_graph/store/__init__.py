"""The triple store behind build, CLI and service: one interface, three backends, one switch.

``open_store(spec)`` is the only place that decides the backend; the spec comes from
``--store`` or ``ALLIANCE_GRAPH_STORE``:

* ``oxigraph`` (default): the build under ``var/`` on disk, queried natively by pyoxigraph
  (:mod:`.embedded`; builds and the ``current`` link in :mod:`.locations`);
* ``memory``: rdflib's in-memory store, built from ``data/`` when opened (:mod:`.memory`);
* ``sparql+http://host:port/path``: any SPARQL 1.1 server (:mod:`.remote`); with
  ``ALLIANCE_GRAPH_STORE_UPDATE`` naming a separate update endpoint (read replicas behind a
  balancer, one writer: :mod:`alliance_graph.replicas`).

Anything else is a :class:`StoreError` naming the three choices.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .analysis import Analysis, QueryTooComplex, UnreadableRequest, analyse, names_dataset
from .base import (
    Answer,
    AnswerTooLarge,
    QuerySyntaxError,
    QueryTimeout,
    Store,
    StoreError,
    StoreFull,
    collect_rows,
    serialize_union,
)
from .embedded import OxigraphStore
from .locations import StoreLocation, open_current
from .memory import MemoryStore
from .remote import RemoteStore, is_remote

if TYPE_CHECKING:
    from ..paths import ProjectPaths

ENV_STORE = "ALLIANCE_GRAPH_STORE"
BACKENDS = ("oxigraph", "memory")

__all__ = [
    "BACKENDS",
    "ENV_STORE",
    "Analysis",
    "Answer",
    "AnswerTooLarge",
    "MemoryStore",
    "OxigraphStore",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryTooComplex",
    "RemoteStore",
    "Store",
    "StoreError",
    "StoreFull",
    "StoreLocation",
    "StoreSpec",
    "UnreadableRequest",
    "analyse",
    "backend_name",
    "collect_rows",
    "is_remote",
    "names_dataset",
    "open_current",
    "open_store",
    "parse_spec",
    "serialize_union",
]


@dataclass(frozen=True)
class StoreSpec:
    """A parsed backend choice: ``kind`` is ``oxigraph``, ``memory`` or ``remote``."""

    kind: str
    url: str | None = None

    def __str__(self) -> str:
        return self.url if self.kind == "remote" and self.url else self.kind


def parse_spec(explicit: str | None = None) -> StoreSpec:
    """The backend asked for by ``--store`` or the environment; a typo is an error, never the
    default."""
    raw = explicit if explicit is not None else os.environ.get(ENV_STORE)
    name = (raw or "oxigraph").strip()
    if name in BACKENDS:
        return StoreSpec(name)
    if is_remote(name):
        return StoreSpec("remote", name)
    raise StoreError(f"unknown store {name!r}: use oxigraph, memory or sparql+http://host:port/path")


def backend_name(explicit: str | None = None) -> str:
    """The backend spec as text (``oxigraph``, ``memory`` or the remote URL); see ``parse_spec``."""
    return str(parse_spec(explicit))


def open_store(
    spec: str | StoreSpec | None = None, paths: ProjectPaths | None = None, *, read_only: bool = True
) -> Store:
    """Open the store a spec names: the current build on disk, a fresh in-memory build of the
    project's data, or a remote server."""
    parsed = spec if isinstance(spec, StoreSpec) else parse_spec(spec)
    if parsed.kind == "remote":
        assert parsed.url is not None
        return RemoteStore(parsed.url)
    if paths is None:
        from ..paths import project

        paths = project()
    if parsed.kind == "memory":
        from ..build import build_in_memory  # the memory backend is a build; build imports this package

        store, _prepared = build_in_memory(paths)
        return store
    return open_current(Path(paths.var_dir), read_only=read_only)
