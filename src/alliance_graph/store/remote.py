"""A remote SPARQL 1.1 server as the store: ``--store sparql+http://host:port/query``.

Build, CLI and service talk to it over the SPARQL 1.1 Protocol (and the Graph Store Protocol for
bulk loads where the server has one), so any conformant server works; the Oxigraph server from
PyPI (``oxigraph serve``) is the one the tests run against. Differences between engines are
handled here, not in the queries:

- the project's prefixes are predeclared by the embedded store; a remote server does not know
  them, so they are prepended to every query and update;
- the embedded store answers over the union of the named graphs; a remote server's default graph
  is whatever it is configured to be, so queries name the dataset with the protocol's
  ``default-graph-uri``/``named-graph-uri`` (all of the project's graphs, unless the caller
  names its own);
- a build is atomic: graphs are loaded under staging names and moved into place by one update
  request, which a SPARQL server applies as one transaction;
- reads and updates may go to different places (read replicas behind a balancer, one writer):
  ``ALLIANCE_GRAPH_STORE_UPDATE=http://writer/update`` names the update endpoint (the Graph Store
  is then ``/store`` beside it); without it, ``/update`` beside the query endpoint;
- a balancer in front of replicas may say which snapshot answered (``X-Dataset-Snapshot``, see
  :mod:`alliance_graph.replicas`); every answer carries it as ``Answer.snapshot``.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Sequence
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..namespaces import GRAPH_BASE, sparql_prefix_block
from .analysis import names_dataset
from .base import Answer, QuerySyntaxError, QueryTimeout, Store, StoreError, serialize_union

SCHEME = "sparql+"
STAGING = "https://w3id.org/alliance-graph/staging/"
CHUNK = 200_000
GRAPH_LIST_TTL_S = 5.0
ENV_UPDATE = "ALLIANCE_GRAPH_STORE_UPDATE"
SNAPSHOT_HEADER = "X-Dataset-Snapshot"


def is_remote(spec: str | None) -> bool:
    return spec is not None and spec.startswith((SCHEME + "http://", SCHEME + "https://"))


def _term(binding: dict[str, Any]) -> Node:
    kind = binding["type"]
    value = binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    # RDF 1.1: a simple literal is an xsd:string; SPARQL JSON leaves the datatype out, the
    # embedded store states it; state it here too so both backends give equal terms.
    return Literal(value, datatype=URIRef(binding.get("datatype", str(XSD.string))))


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint (query, update, and optionally graph store)."""

    name = "remote"

    def __init__(self, spec: str, *, timeout: float = 60.0, update_url: str | None = None) -> None:
        if not is_remote(spec):
            raise StoreError(f"{spec!r} is not a remote store (sparql+http://host:port/path)")
        self.query_url = spec[len(SCHEME) :]
        base, _, last = self.query_url.rstrip("/").rpartition("/")
        self.update_url = f"{base}/update" if last == "query" else self.query_url
        self.store_url: str | None = f"{base}/store" if last == "query" else None
        explicit = update_url or os.environ.get(ENV_UPDATE, "").strip()
        if explicit:
            if not explicit.startswith(("http://", "https://")):
                raise StoreError(f"{ENV_UPDATE}={explicit!r} is not an http(s) URL of an update endpoint")
            self.update_url = explicit
            writer, _, end = explicit.rstrip("/").rpartition("/")
            self.store_url = f"{writer}/store" if end == "update" else None
        self.timeout = timeout
        self._graphs: list[str] | None = None
        self._graphs_read = 0.0

    @property
    def location(self) -> str:
        return self.query_url

    # --- HTTP ---------------------------------------------------------------------------------

    def _post(
        self, url: str, data: bytes, content_type: str, accept: str = "*/*", timeout: float | None = None
    ) -> bytes:
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": content_type, "Accept": accept}
        )
        return self._send(request, timeout)[1]

    def _send(self, request: urllib.request.Request, timeout: float | None = None) -> tuple[str, bytes, str | None]:
        """(media type, body, snapshot) of the server's answer; its errors become the store's
        errors. The snapshot is what a balancer says answered (``X-Dataset-Snapshot``), if any."""
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                snapshot = response.headers.get(SNAPSHOT_HEADER) or None
                return response.headers.get_content_type(), response.read(), snapshot
        except urllib.error.HTTPError as exc:
            message = exc.read().decode("utf-8", "replace").strip()
            if exc.code == 400:
                raise QuerySyntaxError(message) from None
            raise StoreError(f"the SPARQL server answered {exc.code}: {message[:300]}") from None
        except TimeoutError:
            raise QueryTimeout("the query ran past its time limit and was stopped") from None
        except urllib.error.URLError as exc:
            raise StoreError(f"cannot reach the SPARQL server at {request.full_url}: {exc.reason}") from None

    # --- dataset ------------------------------------------------------------------------------

    def graph_names(self) -> list[str]:
        """The server's named graphs; re-read every few seconds, since another process (a build)
        may add or drop graphs behind this one's back."""
        if self._graphs is None or time.monotonic() - self._graphs_read > GRAPH_LIST_TTL_S:
            text = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
            body = self._post(
                self.query_url,
                urllib.parse.urlencode({"query": text}).encode(),
                "application/x-www-form-urlencoded",
                "application/sparql-results+json",
            )
            rows = json.loads(body)["results"]["bindings"]
            self._graphs = sorted(r["g"]["value"] for r in rows if not r["g"]["value"].startswith(STAGING))
            self._graphs_read = time.monotonic()
        return self._graphs

    def _query_request(
        self,
        text: str,
        accept: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> urllib.request.Request:
        params: list[tuple[str, str]] = [("query", sparql_prefix_block() + text)]
        if default_graphs or named_graphs or not names_dataset(text):
            graphs = self.graph_names()
            params += [("default-graph-uri", g) for g in (default_graphs or graphs)]
            params += [("named-graph-uri", g) for g in (named_graphs or graphs)]
        return urllib.request.Request(
            self.query_url,
            data=urllib.parse.urlencode(params).encode(),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )

    def query_bytes(self, text: str, accept: str = "application/sparql-results+json") -> bytes:
        """The server's answer to a query as it sent it (for callers that parse it natively)."""
        return self._send(self._query_request(text, accept), max(self.timeout, 600))[1]

    def query(
        self,
        text: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        deadline: float | None = None,
    ) -> Answer:
        timeout = max(0.1, deadline - time.monotonic()) if deadline is not None else None
        accept = "application/sparql-results+json, application/n-triples;q=0.9"
        request = self._query_request(text, accept, default_graphs, named_graphs)
        media, body, snapshot = self._send(request, timeout)
        if "json" in media:
            data = json.loads(body)
            if "boolean" in data:
                return Answer("ASK", boolean=bool(data["boolean"]), snapshot=snapshot)
            variables = list(data["head"]["vars"])
            bindings = data["results"]["bindings"]
            truncated = max_rows is not None and len(bindings) > max_rows
            rows = [
                tuple(_term(b[v]) if v in b else None for v in variables)
                for b in (bindings[:max_rows] if truncated else bindings)
            ]
            return Answer("SELECT", variables, rows, truncated=truncated, snapshot=snapshot)
        graph = Graph()
        graph.parse(data=body.decode("utf-8"), format="nt")
        return Answer("CONSTRUCT", graph=graph, snapshot=snapshot)

    def update(self, text: str, *, timeout: float | None = None) -> None:
        self._post(
            self.update_url,
            (sparql_prefix_block() + text).encode("utf-8"),
            "application/sparql-update",
            timeout=timeout,
        )
        self._graphs = None

    # --- loading ------------------------------------------------------------------------------

    def _put_graph(self, name: str, data: bytes) -> None:
        assert self.store_url is not None
        url = f"{self.store_url}?{urllib.parse.urlencode({'graph': name})}"
        request = urllib.request.Request(
            url, data=data, method="PUT", headers={"Content-Type": "application/n-triples"}
        )
        self._send(request, timeout=max(self.timeout, 600))

    def load_graph(self, name: URIRef, graph: Graph) -> None:
        """Replace one named graph (Graph Store Protocol where available, else INSERT DATA)."""
        data = graph.serialize(format="nt", encoding="utf-8")
        if self.store_url is not None:
            self._put_graph(str(name), data)
        else:
            self.update(f"DROP SILENT GRAPH {name.n3()}")
            lines = data.decode("utf-8").splitlines()
            for start in range(0, len(lines), CHUNK):
                chunk = "\n".join(lines[start : start + CHUNK])
                self.update(f"INSERT DATA {{ GRAPH {name.n3()} {{ {chunk} }} }}")
        self._graphs = None

    def replace_all(self, graphs: dict[URIRef, Graph]) -> None:
        """Load every graph under a staging name, then swap them in with one update request:
        a reader sees the old build or the new one, never half of each."""
        build = uuid.uuid4().hex
        staged = {name: URIRef(f"{STAGING}{build}/{name}") for name in graphs}
        try:
            for name, graph in graphs.items():
                self.load_graph(staged[name], graph)
        except BaseException:
            self.update(" ; ".join(f"DROP SILENT GRAPH {s.n3()}" for s in staged.values()))
            raise
        old = [g for g in self.graph_names() if g.startswith(GRAPH_BASE) and URIRef(g) not in graphs]
        operations = [f"DROP SILENT GRAPH <{g}>" for g in old]
        operations += [f"MOVE SILENT {staged[name].n3()} TO {name.n3()}" for name in graphs]
        self.update(" ;\n".join(operations), timeout=max(self.timeout, 600))  # a bulk swap, timed like a load

    def __len__(self) -> int:
        answer = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(str(answer.rows[0][0])) if answer.rows else 0

    def dump(self, fmt: str) -> bytes:
        answer = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        if fmt in {"nquads", "trig"}:
            dataset = Dataset()
            for s, p, o, g in answer.rows:
                dataset.graph(g).add((s, p, o))  # type: ignore[arg-type]
            return dataset.serialize(format=fmt, encoding="utf-8")
        return serialize_union(((s, p, o) for s, p, o, _g in answer.rows), fmt)  # type: ignore[misc]
