"""Units of the service that need no server: the store spec, the error table, output safety."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from alliance_graph.api import errors
from alliance_graph.api.executor import AnswerCache
from alliance_graph.api.guard import RemoteAccessRefused, check_remote
from alliance_graph.api.serialize import neutralise, results_csv
from alliance_graph.namespaces import expand, is_valid_iri
from alliance_graph.paths import ProjectPaths
from alliance_graph.store import Answer, QueryTooComplex, StoreError, StoreFull, analyse, parse_spec


@pytest.mark.parametrize("spec", ["memroy", "oxigrph", "http://x/sparql", ""])
def test_a_bad_store_spec_is_an_error(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if spec == "":
        monkeypatch.setenv("ALLIANCE_GRAPH_STORE", "memroy")
        with pytest.raises(StoreError, match="unknown store 'memroy'"):
            parse_spec()
        return
    with pytest.raises(StoreError, match="unknown store"):
        parse_spec(spec)


def test_store_specs() -> None:
    assert parse_spec("memory").kind == "memory"
    assert parse_spec(None).kind in {"oxigraph", "memory", "remote"}
    remote = parse_spec("sparql+http://127.0.0.1:7878/query")
    assert remote.kind == "remote" and str(remote) == "sparql+http://127.0.0.1:7878/query"


def test_serve_with_a_bad_spec_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from alliance_graph.cli import app

    monkeypatch.setenv("ALLIANCE_GRAPH_STORE", "memroy")
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2 and "unknown store 'memroy'" in result.output


def test_serve_memory_serves_memory(fixture_project: object) -> None:
    """``--store memory`` builds into memory and serves that, not the disk store (none is built)."""
    from alliance_graph.api.app import create_app
    from alliance_graph.api.config import Settings

    with TestClient(create_app(Settings(store=parse_spec("memory")))) as http:
        health = http.get("/healthz").json()
        assert health["store"] == "memory" and health["triples"] > 100
        answer = http.get("/sparql", params={"query": "ASK { ?s a ag:State }", "format": "json"})
        assert answer.json()["boolean"] is True


def test_the_name_index_is_built_at_start(fixture_built: ProjectPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    """The service builds its name index once its workers are up, so an analyst's first search
    does not pay for it (1.5 s on the curated graph; past the time limit on a busy machine)."""
    import time

    from alliance_graph.api.app import create_app
    from alliance_graph.api.config import Settings

    monkeypatch.setenv("ALLIANCE_GRAPH_HOME", str(fixture_built.home))
    monkeypatch.delenv("ALLIANCE_GRAPH_VAR", raising=False)
    app = create_app(Settings())
    lookup = app.state.names
    assert not lookup.current
    with TestClient(app) as http:
        deadline = time.monotonic() + 30
        while not lookup.current and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lookup.current, "no search was made, yet the index should be built"
        assert http.get("/search", params={"q": "Russia"}).status_code == 200


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("/secret/path/to/var failed")

    @app.get("/sparql")
    async def full() -> None:
        raise StoreFull("the disk holding /var/lib/x is full")

    @app.get("/json/full")
    async def json_full() -> None:
        raise StoreFull("the disk is full")

    errors.install(app)
    return app


def test_unexpected_errors_are_500_with_a_request_id_and_no_detail() -> None:
    with TestClient(_app(), raise_server_exceptions=False) as http:
        response = http.get("/boom", headers={"X-Request-Id": "abc-123"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "abc-123"
    body = response.json()
    assert body["requestId"] == "abc-123" and "secret" not in response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_table_maps_disk_full_to_507_without_paths() -> None:
    with TestClient(_app()) as http:
        plain = http.get("/sparql")
        assert plain.status_code == 507 and "/var/lib" not in plain.text
        assert plain.headers["content-type"].startswith("text/plain")
        problem = http.get("/json/full")
        assert problem.status_code == 507 and problem.json()["title"] == "Insufficient storage"


def test_csv_formula_cells_are_neutralised() -> None:
    from rdflib import Literal, Variable  # noqa: F401

    answer = Answer("SELECT", ["x"], [(Literal("=HYPERLINK(1)"),), (Literal(-5),), (Literal("@x"),)])
    lines = results_csv(answer).decode().splitlines()
    assert lines == ["x", "'=HYPERLINK(1)", "-5", "'@x"]
    assert neutralise("+1") == "'+1" and neutralise("plain") == "plain"


@pytest.mark.parametrize("iri", ["urn:a>b", "http://x/a b", 'http://x/"', "http://x/{y}", ""])
def test_invalid_iris(iri: str) -> None:
    assert not is_valid_iri(iri)
    if iri:
        with pytest.raises(ValueError):
            expand(iri)


def test_guard_reads_the_parsed_request() -> None:
    with pytest.raises(RemoteAccessRefused):
        check_remote('SELECT * { BIND("""\\"""" AS ?x) SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }', ())
    check_remote("SELECT * { SERVICE <http://allowed.example/sparql> { ?s ?p ?o } }", ("http://allowed.example/",))
    check_remote("SELECT ?service { ?service ag:load ?x }", ())
    with pytest.raises(RemoteAccessRefused):
        check_remote("SELECT * { SERVICE ?x { ?s ?p ?o } }", ("http://",))
    assert analyse("LOAD <http://x/>", True).remote == (("LOAD", "http://x/"),)
    with pytest.raises(QueryTooComplex):
        analyse("ASK " + "{" * 500 + "}" * 500)


def test_cache_keeps_one_version_within_its_budget() -> None:
    cache = AnswerCache(budget=800)
    cache.put("v1", "a", b"x" * 90, False, None)
    assert cache.get("v1", "a") is not None
    assert cache.get("v2", "a") is None and cache.size == 0  # a new version drops the old entries
    cache.put("v2", "big", b"x" * 200, False, None)  # more than an eighth of the budget: not kept
    assert cache.get("v2", "big") is None
    for i in range(20):
        cache.put("v2", i, b"x" * 90, False, None)
    assert cache.size <= 800
