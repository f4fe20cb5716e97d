"""The service end to end: a real uvicorn on 127.0.0.1, real HTTP clients (httpx, SPARQLWrapper).

The W3C SPARQL 1.1 Protocol test cases are named after the ``sparql11/protocol`` manifest.
Two servers: one on the real data (read-only use), one on the fixture data with an update token
for everything that writes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import httpx
import pytest
from conftest import FIXTURES, REMOTE, make_project
from rdflib import Graph
from servers import Server
from SPARQLWrapper import CSV, JSON, JSONLD, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from alliance_graph.build import build_on_disk
from alliance_graph.paths import ProjectPaths

pytestmark = pytest.mark.e2e
TOKEN = "test-token-0123"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def real_server(real_paths: ProjectPaths) -> Iterator[Server]:
    server = Server(real_paths, ALLIANCE_GRAPH_QUERY_TIMEOUT="3", ALLIANCE_GRAPH_STORE=REMOTE or "oxigraph")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def scratch_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    paths = make_project(tmp_path_factory.mktemp("scratch"), FIXTURES / "data")
    build_on_disk(paths)
    server = Server(
        paths,
        ALLIANCE_GRAPH_UPDATE_TOKEN=TOKEN,
        ALLIANCE_GRAPH_QUERY_TIMEOUT="2",
        ALLIANCE_GRAPH_MAX_ROWS="50",
        ALLIANCE_GRAPH_MAX_BODY="20000",
    )
    server.start()
    yield server
    server.stop()


def sparql(server: Server, method: str = "GET", **kwargs: object) -> httpx.Response:
    return httpx.request(method, f"{server.url}/sparql", timeout=10, **kwargs)  # type: ignore[arg-type]


def update(server: Server, text: str, token: str | None = TOKEN, **params: str) -> httpx.Response:
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return sparql(server, "POST", content=text.encode(), headers=headers, params=params)


def is_true(response: httpx.Response) -> bool:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        ("application/sparql-results+json", "application/sparql-results+xml")
    )
    if "json" in response.headers["content-type"]:
        return response.json()["boolean"] is True
    return "<boolean>true</boolean>" in response.text


def triples(server: Server) -> int:
    return httpx.get(f"{server.url}/healthz", timeout=5).json()["triples"]


# --- W3C SPARQL 1.1 Protocol: positive cases --------------------------------------------------

D1, D2, D3 = (f"http://example.org/protocol/data{i}" for i in (1, 2, 3))


@pytest.fixture(scope="module")
def protocol_data(scratch_server: Server) -> Server:
    text = f"INSERT DATA {{ GRAPH <{D1}> {{ <{D1}> a <http://example.org/Doc> }} " + (
        f"GRAPH <{D2}> {{ <{D2}> a <http://example.org/Doc> }} GRAPH <{D3}> {{ <{D3}> <http://example.org/p> 1 }} }}"
    )
    assert update(scratch_server, text).status_code == 204
    return scratch_server


def test_query_get(scratch_server: Server) -> None:
    assert is_true(sparql(scratch_server, params={"query": "ASK {}"}))


def test_query_post_form(scratch_server: Server) -> None:
    assert is_true(sparql(scratch_server, "POST", content=b"query=ASK%20%7B%7D", headers={"Content-Type": FORM}))


def test_query_post_direct(scratch_server: Server) -> None:
    response = sparql(scratch_server, "POST", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
    assert is_true(response)


def test_query_dataset_default_graphs_get(protocol_data: Server) -> None:
    query = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
    assert is_true(
        sparql(protocol_data, params=[("query", query), ("default-graph-uri", D1), ("default-graph-uri", D2)])
    )


def test_query_dataset_default_graphs_post(protocol_data: Server) -> None:
    response = sparql(
        protocol_data,
        "POST",
        params=[("default-graph-uri", D1), ("default-graph-uri", D2)],
        content=f"ASK {{ <{D1}> ?p ?o . <{D2}> ?p ?o }}".encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert is_true(response)


def test_query_dataset_named_graphs_get(protocol_data: Server) -> None:
    query = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
    assert is_true(sparql(protocol_data, params=[("query", query), ("named-graph-uri", D1), ("named-graph-uri", D2)]))


def test_query_dataset_named_graphs_post(protocol_data: Server) -> None:
    response = sparql(
        protocol_data,
        "POST",
        params=[("named-graph-uri", D1), ("named-graph-uri", D2)],
        content=b"SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    graphs = {b["g"]["value"] for b in response.json()["results"]["bindings"]}
    assert graphs == {D1, D2}


def test_query_dataset_full(protocol_data: Server) -> None:
    response = sparql(
        protocol_data,
        "POST",
        params=[("default-graph-uri", D3), ("named-graph-uri", D1), ("named-graph-uri", D2)],
        content=b"SELECT ?g ?x ?s { ?x ?y ?o  GRAPH ?g { ?s ?p ?q } }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert response.json()["head"]["vars"] == ["g", "x", "s"]
    rows = {(b["g"]["value"], b["x"]["value"], b["s"]["value"]) for b in response.json()["results"]["bindings"]}
    # the default graph is exactly D3 (one subject), the named graphs exactly D1 and D2
    assert rows == {(D1, D3, D1), (D2, D3, D2)}


def test_query_multiple_dataset(protocol_data: Server) -> None:
    response = sparql(
        protocol_data,
        "POST",
        params={"default-graph-uri": D2},
        content=f"ASK FROM <{D1}> {{ <{D2}> ?p ?o }}".encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert is_true(response)  # the protocol's dataset (D2) overrides FROM (D1)


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        (
            "query_content_type_select",
            "SELECT (1 AS ?value) {}",
            ("application/sparql-results", "text/csv", "text/tab"),
        ),
        ("query_content_type_ask", "ASK {}", ("application/sparql-results",)),
        (
            "query_content_type_describe",
            "DESCRIBE <http://example.org/>",
            ("text/turtle", "application/rdf+xml"),
        ),
        (
            "query_content_type_construct",
            "CONSTRUCT { <s:s> <p:p> 1 } WHERE {}",
            ("text/turtle", "application/rdf+xml"),
        ),
    ],
)
def test_query_content_types(scratch_server: Server, name: str, query: str, expected: tuple[str, ...]) -> None:
    response = sparql(
        scratch_server, "POST", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200, name
    assert response.headers["content-type"].startswith(expected), name


def test_update_post_form_and_direct(scratch_server: Server) -> None:
    graph = "http://example.org/protocol/updated"
    form = httpx.post(
        f"{scratch_server.url}/sparql",
        content=f"update=INSERT%20DATA%20%7B%20GRAPH%20%3C{graph}%3E%20%7B%20%3Cs:a%3E%20%3Cp:b%3E%201%20%7D%20%7D".encode(),
        headers={"Content-Type": FORM, "Authorization": f"Bearer {TOKEN}"},
    )
    assert form.status_code == 204, form.text
    assert update(scratch_server, f"INSERT DATA {{ GRAPH <{graph}> {{ <s:a> <p:b> 2 }} }}").status_code == 204
    answer = sparql(
        scratch_server, params={"query": f"SELECT ?o {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", "format": "json"}
    )
    assert sorted(b["o"]["value"] for b in answer.json()["results"]["bindings"]) == ["1", "2"]


@pytest.mark.parametrize(
    ("name", "params", "where", "expected"),
    [
        ("update_dataset_default_graph", [("using-graph-uri", D1)], "?s a <http://example.org/Doc>", {D1}),
        (
            "update_dataset_default_graphs",
            [("using-graph-uri", D1), ("using-graph-uri", D2)],
            "?s a <http://example.org/Doc>",
            {D1, D2},
        ),
        ("update_dataset_named_graphs", [("using-named-graph-uri", D2)], "GRAPH ?g { ?s a ?t }", {D2}),
        (
            "update_dataset_full",
            [("using-graph-uri", D1), ("using-named-graph-uri", D2)],
            "{ ?s a <http://example.org/Doc> } UNION { GRAPH ?g { ?s a ?t } }",
            {D1, D2},
        ),
    ],
)
def test_update_dataset(
    protocol_data: Server, name: str, params: list[tuple[str, str]], where: str, expected: set[str]
) -> None:
    target = f"http://example.org/protocol/{name}"
    text = f"INSERT {{ GRAPH <{target}> {{ ?s a <http://example.org/Seen> }} }} WHERE {{ {where} }}"
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    response = sparql(protocol_data, "POST", content=text.encode(), headers=headers, params=params)
    assert response.status_code == 204, response.text
    answer = sparql(
        protocol_data, params={"query": f"SELECT ?s {{ GRAPH <{target}> {{ ?s ?p ?o }} }}", "format": "json"}
    )
    assert {b["s"]["value"] for b in answer.json()["results"]["bindings"]} == expected


# --- W3C SPARQL 1.1 Protocol: negative cases --------------------------------------------------

UTF16 = "ASK {}".encode("utf-16")


@pytest.mark.parametrize(
    ("name", "method", "params", "body", "content_type"),
    [
        ("bad_query_method", "PUT", {"query": "ASK {}"}, None, None),
        ("bad_multiple_queries", "GET", [("query", "ASK {}"), ("query", "SELECT * {}")], None, None),
        ("bad_query_wrong_media_type", "POST", None, b"ASK {}", "text/plain"),
        ("bad_query_missing_form_type", "POST", None, b"query=ASK%20%7B%7D", None),
        ("bad_query_missing_direct_type", "POST", None, b"ASK {}", None),
        ("bad_query_non_utf8", "POST", None, UTF16, "application/sparql-query; charset=UTF-16"),
        ("bad_query_non_utf8_undeclared", "POST", None, UTF16, "application/sparql-query"),
        ("bad_query_syntax", "GET", {"query": "ASK {"}, None, None),
        ("bad_update_get", "GET", {"update": "CLEAR ALL"}, None, None),
        ("bad_multiple_updates", "POST", None, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM),
        ("bad_update_wrong_media_type", "POST", None, b"CLEAR NAMED", "text/plain"),
        ("bad_update_missing_form_type", "POST", None, b"update=CLEAR%20NAMED", None),
        (
            "bad_update_non_utf8",
            "POST",
            None,
            "CLEAR NAMED".encode("utf-16"),
            "application/sparql-update; charset=UTF-16",
        ),
        ("bad_update_syntax", "POST", None, b"update=CLEAR%20XYZ", FORM),
        (
            "bad_update_dataset_conflict",
            "POST",
            {"using-named-graph-uri": "http://example/people"},
            b"update=WITH%20%3Chttp%3A%2F%2Fexample%2Faddresses%3E%20DELETE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
            FORM,
        ),
    ],
)
def test_bad_requests_are_4xx_and_harmless(
    scratch_server: Server,
    name: str,
    method: str,
    params: object,
    body: bytes | None,
    content_type: str | None,
) -> None:
    before = triples(scratch_server)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if content_type:
        headers["Content-Type"] = content_type
    response = sparql(scratch_server, method, params=params, content=body, headers=headers)
    assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
    assert response.text.strip(), name
    assert triples(scratch_server) == before, name


def test_syntax_error_names_line_and_column(scratch_server: Server) -> None:
    response = sparql(scratch_server, params={"query": "SELECT ?s WHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    assert "SPARQL syntax error" in response.text and "3:" in response.text


# --- formats, negotiation, limits -------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/*", "text/csv"),
    ],
)
def test_negotiation_with_q_values(real_server: Server, accept: str, expected: str) -> None:
    response = sparql(real_server, params={"query": "SELECT * { ?s a ag:Bank }"}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith(expected)


def test_406_when_nothing_acceptable(real_server: Server) -> None:
    response = sparql(real_server, params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_row_cap_is_announced(scratch_server: Server) -> None:
    response = sparql(scratch_server, params={"query": "SELECT * { ?s ?p ?o }", "format": "json"})
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["x-result-truncated"] == "max-rows=50"


def test_huge_body_is_refused(scratch_server: Server) -> None:
    body = b"ASK {} #" + b"x" * 30_000
    response = sparql(scratch_server, "POST", content=body, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_timeout_stops_the_query(scratch_server: Server) -> None:
    before = httpx.get(f"{scratch_server.url}/healthz").json()["executor"]
    response = sparql(
        scratch_server,
        params={"query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"},
    )
    assert response.status_code == 503
    assert "time limit" in response.text and response.headers["retry-after"]
    after = httpx.get(f"{scratch_server.url}/healthz").json()["executor"]
    # the worker that ran it was killed and replaced, not left running beside a second one
    assert after["restarts"] == before["restarts"] + 1 and after["readers"] == before["readers"]
    assert is_true(sparql(scratch_server, params={"query": "ASK {}"}))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE SILENT <http://localhost:8000/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_to_loopback_is_refused(scratch_server: Server, query: str) -> None:
    response = sparql(scratch_server, params={"query": query})
    assert response.status_code == 403
    assert "refused" in response.text


def test_load_is_refused(scratch_server: Server) -> None:
    assert update(scratch_server, "LOAD <http://127.0.0.1:1/data.ttl>").status_code == 403


def test_service_description(real_server: Server) -> None:
    response = sparql(real_server, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "sd:Service" in response.text or "ns/sparql-service-description#Service" in response.text
    assert "void:triples" in response.text


# --- updates: tokens, atomicity, persistence --------------------------------------------------


def test_update_needs_the_right_token(scratch_server: Server) -> None:
    text = "INSERT DATA { <s:x> <p:y> 1 }"
    assert update(scratch_server, text, token=None).status_code == 401
    assert update(scratch_server, text, token="wrong").status_code == 403


def test_cached_answers_follow_updates(scratch_server: Server) -> None:
    query = {"query": "SELECT (COUNT(*) AS ?n) { GRAPH <http://example.org/cache> { ?s ?p ?o } }", "format": "json"}

    def count() -> int:
        return int(sparql(scratch_server, params=query).json()["results"]["bindings"][0]["n"]["value"])

    assert count() == 0
    second = sparql(scratch_server, params=query)
    assert second.headers["x-cache"] == "hit"  # the second answer comes from the cache
    assert int(second.json()["results"]["bindings"][0]["n"]["value"]) == 0
    assert (
        update(scratch_server, "INSERT DATA { GRAPH <http://example.org/cache> { <s:c> <p:c> 1 } }").status_code == 204
    )
    after = sparql(scratch_server, params=query)
    assert after.headers["x-cache"] == "miss"  # the update dropped the old version's entries
    assert count() == 1


def test_failed_update_is_atomic(scratch_server: Server) -> None:
    graph = "http://example.org/atomic-existing"
    assert update(scratch_server, f"INSERT DATA {{ GRAPH <{graph}> {{ <s:a> <p:a> 1 }} }}").status_code == 204
    before = triples(scratch_server)
    # parses fine; the first operation runs, the second fails at run time (the graph exists)
    response = update(scratch_server, f"INSERT DATA {{ <s:atomic> <p:p> 1 }} ; CREATE GRAPH <{graph}>")
    assert response.status_code == 400, response.text
    assert "already exists" in response.text
    assert not is_true(sparql(scratch_server, params={"query": "ASK { <s:atomic> <p:p> 1 }"}))
    assert triples(scratch_server) == before


def test_updates_survive_a_restart(scratch_server: Server) -> None:
    assert (
        update(scratch_server, "INSERT DATA { GRAPH <http://example.org/kept> { <s:kept> <p:p> 1 } }").status_code
        == 204
    )
    scratch_server.stop()
    scratch_server.start()
    assert is_true(sparql(scratch_server, params={"query": "ASK { <s:kept> <p:p> 1 }"}))


# --- SPARQLWrapper, every format it supports --------------------------------------------------

QUERY = "SELECT ?state WHERE { ?state ag:memberOf alliance:brics ; a ag:State } ORDER BY ?state"


def _wrapper(server: Server, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_select_in_every_format(real_server: Server) -> None:
    as_json = _wrapper(real_server, QUERY, JSON).queryAndConvert()
    states = [b["state"]["value"] for b in as_json["results"]["bindings"]]  # type: ignore[index]
    assert "https://w3id.org/alliance-graph/id/state/CHN" in states
    xml = _wrapper(real_server, QUERY, XML).queryAndConvert()
    assert [n.firstChild.data for n in xml.getElementsByTagName("uri")] == states  # type: ignore[union-attr]
    as_csv = _wrapper(real_server, QUERY, CSV).queryAndConvert()
    assert [r["state"] for r in csv.DictReader(io.StringIO(as_csv.decode()))] == states  # type: ignore[union-attr]
    as_tsv = _wrapper(real_server, QUERY, TSV).queryAndConvert()
    assert [line.strip("<>") for line in as_tsv.decode().splitlines()[1:]] == states  # type: ignore[union-attr]


def test_sparqlwrapper_ask_and_construct(real_server: Server) -> None:
    assert _wrapper(real_server, "ASK { state:RUS ag:cooperatesWith state:CHN }", JSON).queryAndConvert()["boolean"]  # type: ignore[index]
    construct = "CONSTRUCT { ?s ag:memberOf alliance:brics } WHERE { ?s ag:memberOf alliance:brics }"
    graph = _wrapper(real_server, construct, TURTLE).queryAndConvert()
    assert b"alliance:brics" in graph  # type: ignore[operator]
    expected = len(Graph().parse(data=graph, format="turtle"))  # type: ignore[arg-type]
    assert expected >= 10
    for fmt in (RDFXML, JSONLD):
        converted = _wrapper(real_server, construct, fmt).queryAndConvert()
        assert len(converted) == expected, fmt  # type: ignore[arg-type]


def test_sparqlwrapper_raises_on_bad_query(real_server: Server) -> None:
    with pytest.raises(QueryBadFormed):
        _wrapper(real_server, "SELECT ?s WHERE { ?s", JSON).queryAndConvert()


# --- named questions over HTTP ----------------------------------------------------------------


def test_catalogue_and_openapi(real_server: Server) -> None:
    catalogue = httpx.get(f"{real_server.url}/queries").json()
    names = {q["name"] for q in catalogue}
    assert "bloc-members-cooperating-with" in names
    spec = httpx.get(f"{real_server.url}/openapi.json").json()
    operation = spec["paths"]["/queries/bloc-members-cooperating-with"]["get"]
    params = {p["name"] for p in operation["parameters"]}
    assert {"bloc", "partner", "topic", "as_of", "limit", "offset"} <= params
    assert httpx.get(f"{real_server.url}/docs").status_code == 200


def test_the_users_question_over_http(real_server: Server) -> None:
    response = httpx.get(
        f"{real_server.url}/queries/bloc-members-cooperating-with",
        params={
            "bloc": "alliance:brics",
            "partner": "state:CHN",
            "topic": "tech:artificial-intelligence",
            "as_of": "2025-01-31",
        },
        timeout=10,
    )
    assert response.status_code == 200
    rows = response.json()["rows"]
    # parties to AI instruments with China by then; India and South Africa were only mentioned
    assert {r["stateLabel"] for r in rows} == {"Russian Federation", "Brazil", "Indonesia"}
    assert all(r["evidence"] and r["evidence"][0]["url"].startswith("http") for r in rows)
    as_csv = httpx.get(
        f"{real_server.url}/queries/bloc-members-cooperating-with",
        params={"as_of": "2025-01-31", "format": "csv"},
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "evidence" in as_csv.text.splitlines()[0]


def test_named_question_paging(real_server: Server) -> None:
    first = httpx.get(f"{real_server.url}/queries/alliance-members", params={"as_of": "2025-02-01", "limit": 5}).json()
    assert len(first["rows"]) == 5 and first["next"]
    second = httpx.get(f"{real_server.url}{first['next']}").json()
    assert second["offset"] == 5 and second["rows"] != first["rows"]


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"bloc": "state:CHN> } ; DROP ALL ; #"}, "bloc"),
        ({"bloc": "state:CHN"}, "bloc"),
        ({"as_of": "31/01/2025"}, "as_of"),
        ({"colour": "red"}, "colour"),
        ({"limit": "0"}, "limit"),
    ],
)
def test_bad_parameters_are_422(real_server: Server, params: dict[str, str], param: str) -> None:
    response = httpx.get(f"{real_server.url}/queries/bloc-members-cooperating-with", params=params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", param]


def test_injected_values_cannot_write(scratch_server: Server) -> None:
    """The same injection where it would write if values were pasted into text: an update's
    protocol dataset, on a server that accepts updates."""
    before = triples(scratch_server)
    response = update(
        scratch_server,
        "INSERT { GRAPH <http://example.org/copy> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
        **{"using-graph-uri": "http://example.org/x> } ; DROP ALL ; #"},
    )
    assert response.status_code == 400, response.text
    assert triples(scratch_server) == before


# --- linked data ------------------------------------------------------------------------------


def test_entity_pages(real_server: Server) -> None:
    html = httpx.get(f"{real_server.url}/id/institution/sberbank", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "Sberbank" in html.text and "<h2>Restrictive measure (" in html.text
    turtle = httpx.get(f"{real_server.url}/id/state/CHN", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle") and "China" in turtle.text
    jsonld = httpx.get(f"{real_server.url}/id/alliance/brics", headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200 and json.loads(jsonld.text)
    assert httpx.get(f"{real_server.url}/id/state/XXX").status_code == 404


def test_ontology_and_health(real_server: Server) -> None:
    onto = httpx.get(f"{real_server.url}/ontology", headers={"Accept": "text/turtle"})
    assert "ag:Membership" in onto.text
    health = httpx.get(f"{real_server.url}/healthz").json()
    assert health["status"] == "ok" and health["triples"] > 10_000 and health["build"]["ontologyVersion"]
    assert health["triples"] == health["build"]["triples"]  # the build counts its own metadata too


def test_home_page(real_server: Server) -> None:
    page = httpx.get(f"{real_server.url}/")
    assert page.status_code == 200 and "bloc-members-cooperating-with" in page.text


# --- the Python client ------------------------------------------------------------------------


def test_python_client(real_server: Server) -> None:
    from alliance_graph.client import Client, ClientError

    graph = Client(real_server.url)
    rows = graph.ask_question("bloc-members-cooperating-with", as_of="2025-01-31", limit=3)
    assert len(rows) > 3  # pages were followed
    assert {"Russian Federation", "Brazil"} <= {r["stateLabel"] for r in rows}
    assert graph.sparql("ASK { state:RUS ag:memberOf alliance:brics }") is True
    members = graph.sparql("SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ag:memberOf ?g } GROUP BY ?s")
    assert isinstance(members, list) and all(isinstance(r["n"], int) for r in members)
    frame = graph.dataframe("index-ranking")
    assert list(frame["rank"][:3]) == [1, 2, 3]
    with pytest.raises(ClientError, match="parameter 'bloc'") as caught:
        graph.ask_question("bloc-members-cooperating-with", bloc="state:CHN")
    assert caught.value.status == 422
    with pytest.raises(ClientError, match="syntax"):
        graph.sparql("SELECT ?s WHERE { ?s")
