"""The RDF dataset of a query, case by case from the text of SPARQL 1.1 Query §13 and the
SPARQL 1.1 Protocol §2.1.4, on the embedded store and through the service's readers.

The service's rule on top of the recommendation: a query that names no dataset (no FROM, no
FROM NAMED, no protocol graph IRIs) has the union of the named graphs as its default graph.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_graph.store import OxigraphStore, names_dataset

EX = "http://example.org/"
G1, G2, G3 = (f"{EX}g{i}" for i in (1, 2, 3))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    store = OxigraphStore(Path(tmp_path_factory.mktemp("dataset")) / "store")
    store.update(
        f"INSERT DATA {{ <{EX}d> <{EX}in> <{EX}default> . "
        f"GRAPH <{G1}> {{ <{EX}a> <{EX}in> <{G1}> }} "
        f"GRAPH <{G2}> {{ <{EX}b> <{EX}in> <{G2}> }} "
        f"GRAPH <{G3}> {{ <{EX}c> <{EX}in> <{G3}> }} }}"
    )
    return store


def objects(store: OxigraphStore, text: str, **dataset: list[str]) -> set[str]:
    answer = store.query(text, **dataset)  # type: ignore[arg-type]
    return {str(row[0]) for row in answer.rows}


DEFAULT = f"SELECT ?o WHERE {{ ?s <{EX}in> ?o }}"
NAMED = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s <{EX}in> ?o }} }}"


def test_no_dataset_means_the_union_default_graph(store: OxigraphStore) -> None:
    assert objects(store, DEFAULT) == {f"{EX}default", G1, G2, G3}
    assert objects(store, NAMED) == {G1, G2, G3}


def test_from_makes_the_default_graph(store: OxigraphStore) -> None:
    # §13.2.1: "the default graph ... is the RDF merge of the graphs referred to in the FROM clauses"
    assert objects(store, f"SELECT ?o FROM <{G1}> WHERE {{ ?s <{EX}in> ?o }}") == {G1}
    assert objects(store, f"SELECT ?o FROM <{G1}> FROM <{G2}> WHERE {{ ?s <{EX}in> ?o }}") == {G1, G2}


def test_from_an_unknown_graph_is_empty(store: OxigraphStore) -> None:
    answer = store.query("SELECT (COUNT(*) AS ?n) FROM <urn:nothing> WHERE { ?s ?p ?o }")
    assert int(answer.rows[0][0]) == 0  # type: ignore[arg-type]


def test_from_named_alone_gives_an_empty_default_graph(store: OxigraphStore) -> None:
    # §13.2: "If there is no FROM clause, but there is one or more FROM NAMED clauses, then the
    # dataset includes an empty graph for the default graph."
    assert objects(store, f"SELECT ?o FROM NAMED <{G1}> WHERE {{ ?s <{EX}in> ?o }}") == set()
    assert objects(store, f"SELECT ?g FROM NAMED <{G1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == {G1}


def test_from_and_from_named_together(store: OxigraphStore) -> None:
    # §13.2.3: the default graph from FROM, the named graphs exactly those of FROM NAMED
    text = f"SELECT ?o ?g FROM <{G3}> FROM NAMED <{G1}> FROM NAMED <{G2}> WHERE {{ ?x <{EX}in> ?o . GRAPH ?g {{ ?y ?p ?q }} }}"
    rows = {(str(r[0]), str(r[1])) for r in store.query(text).rows}
    assert rows == {(G3, G1), (G3, G2)}


def test_graph_outside_from_named_does_not_match(store: OxigraphStore) -> None:
    assert objects(store, f"SELECT ?o FROM NAMED <{G1}> WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}") == set()


def test_protocol_dataset_overrides_from(store: OxigraphStore) -> None:
    # Protocol §2.1.4: default-graph-uri/named-graph-uri take precedence over FROM/FROM NAMED
    text = f"SELECT ?o FROM <{G1}> WHERE {{ ?s <{EX}in> ?o }}"
    assert objects(store, text, default_graphs=[G2]) == {G2}


def test_protocol_named_graphs_alone_give_an_empty_default_graph(store: OxigraphStore) -> None:
    assert objects(store, DEFAULT, named_graphs=[G1]) == set()
    assert objects(store, NAMED, named_graphs=[G1]) == {G1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True),
        ("SELECT * FROM NAMED <urn:g> WHERE { ?s ?p ?o }", True),
        ("PREFIX x: <urn:> SELECT * FROM x:g WHERE { ?s ?p ?o }", True),
        ("SELECT ?validFrom WHERE { ?s ag:validFrom ?validFrom }", False),
        ('SELECT * WHERE { BIND("FROM <urn:g>" AS ?x) }', False),
        ("SELECT * WHERE { ?s ?p ?o } # FROM <urn:g>", False),
    ],
)
def test_names_dataset_reads_the_parsed_query(text: str, expected: bool) -> None:
    assert names_dataset(text) is expected
