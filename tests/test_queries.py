"""The catalogue of named questions: headers, typed parameters, safe binding, every query runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from alliance_graph.paths import ProjectPaths
from alliance_graph.queries import (
    ParameterError,
    QueryDefinitionError,
    bind,
    load_catalogue,
    parse_query_file,
    run,
)
from alliance_graph.store import Store

CATALOGUE = load_catalogue(ROOT / "queries")


def test_catalogue_has_the_questions_analysts_need() -> None:
    required = {
        "bloc-members-cooperating-with",
        "alliance-members",
        "measures-against",
        "cooperation-network",
        "index-ranking",
        "changes-between",
    }
    assert required <= set(CATALOGUE)
    assert len(CATALOGUE) >= len(required) + 6
    for query in CATALOGUE.values():
        assert query.title and query.description, query.name


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_runs_with_defaults_and_examples(real_store: Store, name: str) -> None:
    query = CATALOGUE[name]
    examples = {p.name: p.example for p in query.parameters if p.example is not None}
    for values in ({}, examples):
        page = run(real_store, query, values, limit=5)
        assert page.answer.kind == "SELECT"
        assert page.answer.rows, f"{name} with {values} has no rows"
        if query.evidence:
            assert "sources" in page.answer.variables


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("state:CHN> } ; DROP ALL ; #", "invalid local name"),
        ("<https://example.org/x>", "not a prefixed name"),
        ("nope:thing", "not a prefixed name"),
        ("state:CHN", "is not a known ag:Grouping"),
    ],
)
def test_bad_iri_values_are_refused(real_store: Store, value: str, message: str) -> None:
    query = CATALOGUE["bloc-members-cooperating-with"]
    with pytest.raises(ParameterError, match=message) as caught:
        bind(query, {"bloc": value}, real_store)
    assert caught.value.param == "bloc"


def test_values_are_bound_as_terms_not_text() -> None:
    query = CATALOGUE["bloc-members-cooperating-with"]
    text, bound = bind(query, {"as_of": "2025-01-31", "partner": "https://w3id.org/alliance-graph/id/state/CHN"})
    assert 'VALUES ?as_of { "2025-01-31"^^<http://www.w3.org/2001/XMLSchema#date> }' in text
    assert "VALUES ?partner { <https://w3id.org/alliance-graph/id/state/CHN> }" in text
    assert [str(t) for t in bound["bloc"]] == ["https://w3id.org/alliance-graph/id/alliance/brics"]


def test_list_parameters_and_optional_ones() -> None:
    query = CATALOGUE["alliance-members"]
    text, bound = bind(query, {"role": ["role:member,role:founding-member"]})
    assert len(bound["role"]) == 2
    text, bound = bind(query, {})
    assert "VALUES ?role { UNDEF }" in text


def test_paging(real_store: Store, real_paths: ProjectPaths) -> None:
    query = CATALOGUE["alliance-members"]
    first = run(real_store, query, {"as_of": "2025-02-01"}, limit=3)
    second = run(real_store, query, {"as_of": "2025-02-01"}, limit=3, offset=3)
    assert first.has_more and len(first.answer.rows) == 3
    assert first.answer.rows != second.answer.rows


def test_malformed_query_files(tmp_path: Path) -> None:
    bad = tmp_path / "no-title.rq"
    bad.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    with pytest.raises(QueryDefinitionError, match="needs a title"):
        parse_query_file(bad)
    unbound = tmp_path / "no-mark.rq"
    unbound.write_text("#+ title: T\n#+ params:\n#+   x: {type: date}\nSELECT * WHERE { }", encoding="utf-8")
    with pytest.raises(QueryDefinitionError, match="@bindings"):
        parse_query_file(unbound)
