"""The remote backend on a real SPARQL server (Oxigraph's, started here on 127.0.0.1).

Each difference between the embedded store and a remote server that the backend layer handles
is pinned by a test: predeclared prefixes, the union default graph, the protocol's dataset, the
atomic swap of a build, dates compared as dates, blank nodes in graph answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import FIXTURES, make_project
from servers import OxigraphServer

from alliance_graph.build import build_on_disk, build_remote
from alliance_graph.paths import ProjectPaths
from alliance_graph.queries import load_catalogue, run
from alliance_graph.remote import STAGING, RemoteStore
from alliance_graph.store import StoreError, open_current

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    running = OxigraphServer(tmp_path_factory.mktemp("oxigraph-server"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def built(server: OxigraphServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectPaths, RemoteStore]:
    paths = make_project(tmp_path_factory.mktemp("remote-project"), FIXTURES / "data")
    store, _prepared = build_remote(paths, server.spec)
    build_on_disk(paths)
    return paths, store


def test_prefixes_are_predeclared_for_the_server(built: tuple[ProjectPaths, RemoteStore]) -> None:
    _paths, store = built
    assert store.query("ASK { state:RUS a ag:State }").boolean


def test_default_graph_is_the_union_of_the_project_graphs(built: tuple[ProjectPaths, RemoteStore]) -> None:
    _paths, store = built
    assert store.query("ASK { state:RUS ag:memberOf alliance:bloc }").boolean  # inferred graph
    assert store.query("ASK { membership:bloc-rus org:member state:RUS }").boolean  # data graph
    only_states = store.query(
        "ASK { membership:bloc-rus ?p ?o }", default_graphs=["https://w3id.org/alliance-graph/graph/states"]
    )
    assert only_states.boolean is False  # the protocol's dataset still wins when given


def test_same_answers_as_the_embedded_store(built: tuple[ProjectPaths, RemoteStore]) -> None:
    paths, remote = built
    local = open_current(paths.var_dir)
    catalogue = load_catalogue(paths.queries_dir)
    for as_of in ("2024-12-31", "2025-02-01", "2025-07-01"):  # dates compared as xsd:date on both
        values = {"bloc": "alliance:bloc", "as_of": as_of}
        query = catalogue["bloc-members-cooperating-with"]
        assert run(remote, query, values).answer.rows == run(local, query, values).answer.rows
    assert len(remote) == len(local)
    local.close()


def test_graph_answers_with_blank_nodes(built: tuple[ProjectPaths, RemoteStore]) -> None:
    _paths, store = built
    answer = store.query("CONSTRUCT { ?s ag:note [ ag:about ?s ] } WHERE { ?s a ag:Bank }")
    assert answer.graph is not None and len(answer.graph) == 2


def test_rebuild_swaps_atomically_and_leaves_no_staging(
    built: tuple[ProjectPaths, RemoteStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, store = built
    before = len(store)
    calls = {"n": 0}
    real_put = RemoteStore._put_graph

    def staged_graphs() -> bool:
        """Asked of the server itself, with no dataset: every graph it holds, staging included."""
        query = f'ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{STAGING}")) }}'
        answer = httpx.post(
            store.query_url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
        return bool(answer.json()["boolean"])

    seen_staging: list[bool] = []

    def failing_put(self: RemoteStore, name: str, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            seen_staging.append(staged_graphs())  # the check below could fail: staging exists now
            raise StoreError("simulated failure while loading")
        real_put(self, name, data)

    monkeypatch.setattr(RemoteStore, "_put_graph", failing_put)
    with pytest.raises(StoreError, match="simulated"):
        build_remote(paths, store.location and f"sparql+{store.query_url}")
    monkeypatch.undo()
    assert len(store) == before
    assert seen_staging == [True]
    assert staged_graphs() is False
    build_remote(paths, f"sparql+{store.query_url}")
    assert len(store) == before


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    store = RemoteStore("sparql+http://127.0.0.1:9/query", timeout=2)
    with pytest.raises(StoreError, match="cannot reach the SPARQL server"):
        store.query("ASK {}")
