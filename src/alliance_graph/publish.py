"""Snapshots for read replicas: a copy of the built (or written) store, named, and announced.

Why: one Oxigraph server answers reads on one machine; read replicas (``oxigraph serve-read-only``
behind a balancer, :mod:`alliance_graph.replicas`) need a store that no process writes, because
Oxigraph documents opening a store read-only while another process writes it as undefined
behaviour. A snapshot is such a store: made once, never written again, opened by every replica.

* From the build on disk (``var/current``): ``Store.backup``, which hard-links the immutable
  files of the build (cheap: no data is copied on the same file system).
* From a running SPARQL server (the writer, after updates): its whole dataset read over the
  SPARQL protocol in one query (one consistent read on any engine) and bulk-loaded into a fresh
  store. Copying the writer's directory instead would open a store another process writes.

Each snapshot carries its own name as a triple in the build graph
(``<graph/build> dct:identifier "<id>"``), so an answer can say which snapshot computed it from
the data itself, not from configuration. Under the snapshot root:

    <id>/           the store (open it read-only)
    <id>.json       its manifest (id, when, from what, triples, build)
    current.json    the manifest of the snapshot to serve, replaced atomically

A rollout (:meth:`alliance_graph.replicas.ReplicaSet.rollout`) reads ``current.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from .namespaces import GRAPH_META
from .store import RemoteStore, StoreError
from .store.locations import StoreLocation

#: The predicate naming a snapshot on the build graph's node.
SNAPSHOT_PREDICATE = str(DCTERMS.identifier)
CURRENT = "current.json"

#: The snapshot's name, its size and its build, in one query, so that one server answers all.
#: ``?triples`` counts the snapshot's name too: the dataset's own triples are one fewer.
SNAPSHOT_QUERY = f"""
SELECT ?snapshot ?triples ?created ?ontologyVersion ?softwareVersion ?buildTriples ?dataCommit WHERE {{
  {{ SELECT (COUNT(*) AS ?triples) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} }}
  OPTIONAL {{ GRAPH <{GRAPH_META}> {{ <{GRAPH_META}> <{SNAPSHOT_PREDICATE}> ?snapshot }} }}
  OPTIONAL {{ GRAPH <{GRAPH_META}> {{ <{GRAPH_META}> dct:created ?created }} }}
  OPTIONAL {{ GRAPH <{GRAPH_META}> {{ <{GRAPH_META}> ag:ontologyVersion ?ontologyVersion }} }}
  OPTIONAL {{ GRAPH <{GRAPH_META}> {{ <{GRAPH_META}> ag:softwareVersion ?softwareVersion }} }}
  OPTIONAL {{ GRAPH <{GRAPH_META}> {{ <{GRAPH_META}> ag:tripleCount ?buildTriples }} }}
  OPTIONAL {{ GRAPH <{GRAPH_META}> {{ <{GRAPH_META}> ag:dataCommit ?dataCommit }} }}
}}
"""


@dataclass(frozen=True)
class Manifest:
    """What a snapshot is: its id (also its folder's name), when and from what it was made."""

    id: str
    path: str
    published: str
    source: str
    triples: int
    build_created: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        created = data.get("build_created")
        return cls(
            id=str(data["id"]),
            path=str(data["path"]),
            published=str(data["published"]),
            source=str(data["source"]),
            triples=int(data["triples"]),
            build_created=str(created) if created is not None else None,
        )


def new_id(now: dt.datetime | None = None) -> str:
    """``YYYYmmddTHHMMSSZ-xxxxxx``: sortable by time, unique by its random tail."""
    moment = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{moment}-{secrets.token_hex(3)}"


def _name_snapshot(store: ox.Store, snapshot_id: str) -> tuple[int, str | None]:
    """Write the snapshot's id into its build graph (replacing one a copied snapshot had);
    the store's triple count and the build's creation time."""
    meta = ox.NamedNode(str(GRAPH_META))
    predicate = ox.NamedNode(SNAPSHOT_PREDICATE)
    for quad in list(store.quads_for_pattern(meta, predicate, None, meta)):
        store.remove(quad)
    store.add(ox.Quad(meta, predicate, ox.Literal(snapshot_id), meta))
    created = next(store.quads_for_pattern(meta, ox.NamedNode(str(DCTERMS.created)), None, meta), None)
    store.flush()
    value = created.object if created is not None else None
    return len(store), (value.value if isinstance(value, ox.Literal) else None)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    swap = path.with_name(path.name + ".swap")
    swap.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(swap, path)


def _finish(root: Path, staging: Path, snapshot_id: str, source: str) -> Manifest:
    store = ox.Store(str(staging))
    try:
        triples, created = _name_snapshot(store, snapshot_id)
    finally:
        del store
    target = root / snapshot_id
    os.replace(staging, target)
    manifest = Manifest(
        id=snapshot_id,
        path=str(target),
        published=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        source=source,
        triples=triples,
        build_created=created,
    )
    _write_json(root / f"{snapshot_id}.json", manifest.as_json())
    _write_json(root / CURRENT, manifest.as_json())
    return manifest


def _staging(root: Path, snapshot_id: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    return root / f".{snapshot_id}.partial"


def publish_build(var_dir: Path, root: Path, snapshot_id: str | None = None) -> Manifest:
    """Snapshot the current build on disk (hard links) and announce it as ``current``."""
    build = StoreLocation(var_dir).current_dir()
    if build is None:
        raise StoreError(f"no graph has been built yet under {var_dir}: run 'alliance-graph build'")
    snapshot_id = snapshot_id or new_id()
    staging = _staging(root, snapshot_id)
    try:
        source = ox.Store.read_only(str(build))
        try:
            source.backup(str(staging))
        finally:
            del source
        return _finish(root, staging, snapshot_id, f"build {build.name}")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def publish_endpoint(spec: str, root: Path, snapshot_id: str | None = None) -> Manifest:
    """Snapshot a running SPARQL server's dataset (the writer) and announce it as ``current``."""
    remote = RemoteStore(spec)
    # one query: one consistent read of every graph, parsed natively (no rdflib on the way)
    body = remote.query_bytes("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions)
    snapshot_id = snapshot_id or new_id()
    staging = _staging(root, snapshot_id)
    try:
        store = ox.Store(str(staging))
        try:
            store.bulk_extend(ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in solutions)
        finally:
            del store
        return _finish(root, staging, snapshot_id, remote.location)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def current(root: Path) -> Manifest | None:
    """The snapshot announced to serve, or None before the first publish."""
    try:
        return Manifest.from_json(json.loads((root / CURRENT).read_text()))
    except FileNotFoundError:
        return None


def prune(root: Path, keep: set[str]) -> list[str]:
    """Delete snapshots not in ``keep`` and not current (call it once no replica serves them)."""
    now = current(root)
    wanted = keep | ({now.id} if now else set())
    removed = []
    for manifest_file in root.glob("*.json"):
        if manifest_file.name == CURRENT or manifest_file.stem in wanted:
            continue
        shutil.rmtree(root / manifest_file.stem, ignore_errors=True)
        manifest_file.unlink(missing_ok=True)
        removed.append(manifest_file.stem)
    return sorted(removed)
