"""Derived shortcuts, validity bounds, and the atomic swap of builds."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, ROOT
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from alliance_graph.build import BuildError, build_on_disk, compile_project
from alliance_graph.infer import (
    ANY,
    RULES,
    _from_oxigraph,
    _to_oxigraph,
    bounds_in_store,
    derive,
    derive_naive,
    rule_reads,
    validity_bounds,
)
from alliance_graph.namespaces import AG, ORG
from alliance_graph.paths import ProjectPaths
from alliance_graph.store import OxigraphStore, StoreLocation, open_current


def _pairs(store: OxigraphStore, query: str) -> set[tuple[str, ...]]:
    return {tuple(str(t).rsplit("/", 1)[-1] for t in row) for row in store.query(query).rows}


def test_member_of_only_for_roles_that_count(fixture_store: OxigraphStore) -> None:
    members = _pairs(fixture_store, "SELECT ?s WHERE { ?s ag:memberOf alliance:bloc }")
    assert members == {("RUS",), ("CHN",), ("BRA",)}  # ARG declined


def test_cooperates_with_through_a_sub_organisation(fixture_store: OxigraphStore) -> None:
    links = _pairs(fixture_store, "SELECT ?a ?b WHERE { ?a ag:cooperatesWith ?b }")
    assert links == {("RUS", "CHN"), ("CHN", "RUS")}
    states = _pairs(fixture_store, "SELECT ?i ?s WHERE { ?i ag:ofState ?s }")
    assert ("bank-lab", "RUS") in states


def test_broader_is_transitive(fixture_store: OxigraphStore) -> None:
    broader = _pairs(fixture_store, "SELECT ?b WHERE { tech:advanced-computing-chips skos:broaderTransitive ?b }")
    assert broader == {("microchips",), ("semiconductors",)}


@pytest.mark.parametrize(
    ("fact", "valid_from", "valid_until"),
    [
        ("bloc-bra", "2024-01-01", "2025-06-01"),  # end given as a month: from its first day
        ("network-chn", "2024-12-31", None),  # start given as a month: from its last day
        ("network-bra", "2024-12-31", None),  # date unknown: from its source's date (2024-12)
    ],
)
def test_validity_bounds(fixture_store: OxigraphStore, fact: str, valid_from: str, valid_until: str | None) -> None:
    row = fixture_store.query(
        f"SELECT ?f ?u WHERE {{ membership:{fact} ag:validFrom ?f OPTIONAL {{ membership:{fact} ag:validUntil ?u }} }}"
    ).rows[0]
    assert str(row[0]) == valid_from
    assert (str(row[1]) if row[1] is not None else None) == valid_until


def test_named_graphs(fixture_store: OxigraphStore) -> None:
    names = fixture_store.graph_names()
    base = "https://w3id.org/alliance-graph/graph/"
    for name in ("ontology", "states", "data/core", "inferred", "mappings", "build"):
        assert base + name in names


def test_failed_build_leaves_the_old_store(fixture_project: ProjectPaths) -> None:
    first, _ = build_on_disk(fixture_project)
    location = StoreLocation(fixture_project.var_dir)
    store = open_current(fixture_project.var_dir)
    before = len(store)
    store.close()
    shutil.copy(FIXTURES / "broken" / "unknown-state.yaml", fixture_project.data_dir)
    with pytest.raises(BuildError):
        build_on_disk(fixture_project)
    assert location.current_dir() == first.resolve()
    assert first.resolve() in [p.resolve() for p in location.iter_builds()]
    store = open_current(fixture_project.var_dir)
    assert len(store) == before
    store.close()


def test_rebuild_swaps_and_prunes(fixture_project: ProjectPaths) -> None:
    first, _ = build_on_disk(fixture_project)
    second, _ = build_on_disk(fixture_project)
    third, _ = build_on_disk(fixture_project)
    location = StoreLocation(fixture_project.var_dir)
    assert location.current_dir() == third.resolve()
    assert second.exists()  # the previous build stays for a server still reading it
    assert not first.exists()


def _asserted(paths: ProjectPaths) -> list[Graph]:
    schema, compilation, states = compile_project(paths)
    return [schema.combined(), states, *(c.graph for c in compilation.files)]


@pytest.mark.parametrize("project", ["fixture", "real"])
def test_semi_naive_rounds_derive_what_naive_rounds_derive(project: str, fixture_project: ProjectPaths) -> None:
    graphs = _asserted(fixture_project if project == "fixture" else ProjectPaths(ROOT))
    naive = derive_naive(_to_oxigraph(graphs))
    semi = derive(_to_oxigraph(graphs))
    assert semi == naive
    assert len(semi) > 100


def test_bounds_in_the_store_are_the_bounds_of_the_graph() -> None:
    graphs = _asserted(ProjectPaths(ROOT))
    merged = Graph()
    for graph in graphs:
        merged += graph
    in_store = _from_oxigraph(bounds_in_store(_to_oxigraph(graphs)))
    assert len(in_store) > 1000
    assert isomorphic(in_store, validity_bounds(merged))


def test_a_rule_reads_its_body_not_its_head() -> None:
    reads = rule_reads(RULES["state of a membership"])
    assert (str(ORG.member), ANY) in reads
    assert (str(RDF.type), str(AG.State)) in reads
    assert (str(AG.memberState), ANY) not in reads  # what it derives
    assert (ANY, ANY) in rule_reads(RULES["property hierarchy"])  # ?s ?p ?o reads every triple
