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


#: "today" moves; the defaults are asked on a pinned date so the answers stay the same.
PINNED = "2025-06-01"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_runs_with_defaults_and_examples(real_store: Store, name: str) -> None:
    query = CATALOGUE[name]
    examples = {p.name: p.example for p in query.parameters if p.example is not None}
    defaults = {p.name: PINNED for p in query.parameters if p.name == "as_of" and p.default == "today"}
    for values in (defaults, examples):
        page = run(real_store, query, values, limit=5)
        assert page.answer.kind == "SELECT"
        assert page.answer.rows, f"{name} with {values} has no rows"
        if query.evidence:
            assert "sources" in page.answer.variables
        assert "facts" in page.answer.variables, f"{name} rows carry no explanation"
        if any(p.name == "as_of" for p in query.parameters):
            assert "certainty" in page.answer.variables, f"{name} rows carry no certainty"


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


# --- issue 17: the seven defects, asked as a user asks them (CLI), pinned on fixed dates ----------

import json  # noqa: E402

from typer.testing import CliRunner  # noqa: E402

from alliance_graph.cli import app  # noqa: E402


def cli(paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[list[dict[str, object]], str]:
    """Rows (JSON) and stderr of ``alliance-graph query ...`` on the real graph."""
    monkeypatch.setenv("ALLIANCE_GRAPH_HOME", str(paths.home))
    monkeypatch.delenv("ALLIANCE_GRAPH_VAR", raising=False)
    result = CliRunner().invoke(app, ["query", *args, "--format", "json", "--limit", "1000"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_defect1_undated_g7_memberships_are_possible_not_absent(
    real_paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    certain, note = cli(
        real_paths, monkeypatch, "alliance-members", "--alliance", "alliance:g7", "--as-of", "2025-01-31"
    )
    assert certain == []
    assert "possible" in note
    rows, _ = cli(
        real_paths,
        monkeypatch,
        "alliance-members",
        "--alliance",
        "alliance:g7",
        "--as-of",
        "2025-01-31",
        "--certainty",
        "possible",
    )
    members = {str(r["member"]).rsplit("/", 1)[-1] for r in rows}
    assert {"USA", "JPN", "DEU", "FRA", "GBR", "ITA", "CAN"} <= members
    assert {r["certainty"] for r in rows} == {"possible"}
    assert {r["since"] for r in rows} == {"date unknown"}


def test_defect1_uruguay_adherence_is_possible_until_a_dated_source(
    real_paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("alliance-members", "--alliance", "alliance:oecd-ai-principles", "--as-of", "2025-06-01")
    rows, _ = cli(real_paths, monkeypatch, *args, "--certainty", "possible")
    uruguay = [r for r in rows if str(r["member"]).endswith("/URY")]
    assert uruguay and {r["certainty"] for r in uruguay} == {"possible"}
    certain, _ = cli(real_paths, monkeypatch, *args)
    assert not [r for r in certain if str(r["member"]).endswith("/URY")]


def test_defect2_a_month_start_is_possible_inside_its_month_and_certain_after(
    real_paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def russia(as_of: str, certainty: str) -> list[dict[str, object]]:
        rows, _ = cli(real_paths, monkeypatch, "alliance-members", "--as-of", as_of, "--certainty", certainty)
        return [r for r in rows if str(r["membership"]).endswith("/brics-rus")]

    [inside] = russia("2006-09-15", "possible")
    assert inside["certainty"] == "possible" and inside["since"] == "2006-09"
    assert russia("2006-09-15", "certain") == []
    [after] = russia("2006-10-01", "certain")
    assert after["certainty"] == "certain" and after["since"] == "2006-09"


def test_defect3_bystanders_of_russias_announcement_are_not_partners(
    real_paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows, _ = cli(real_paths, monkeypatch, "bloc-members-cooperating-with", "--as-of", "2025-01-31")
    assert {str(r["state"]).rsplit("/", 1)[-1] for r in rows} == {"RUS"}
    assert {r["tie"] for r in rows} <= {"bilateral instrument", "multilateral instrument"}
    every, _ = cli(real_paths, monkeypatch, "bloc-members-cooperating-with", "--as-of", "2025-01-31", "--ties", "all")
    announcement = "cooperation/2024-12-11-putin-brics-ai-cooperation"
    assert not [r for r in every if str(r["via"]).endswith(announcement)]
    for row in every:
        if not str(row["state"]).endswith("/RUS"):
            assert row["tie"] == "co-membership", row
        explanation = row["explanation"]
        assert isinstance(explanation, dict) and explanation["steps"] and explanation["sentence"]


def test_defect4_members_outside_a_partial_list_say_it_is_partial(
    real_paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("members-outside", "--grouping", "alliance:paris-ai-action-summit-statement", "--as-of", "2025-06-01")
    certain, _ = cli(real_paths, monkeypatch, *args)
    assert certain == []  # absence from 12 recorded of 58-61 signatories proves nothing
    rows, _ = cli(real_paths, monkeypatch, *args, "--certainty", "possible")
    assert rows and {r["certainty"] for r in rows} == {"possible"}
    assert {r["completeness"] for r in rows} == {"12 of 58\u201361 recorded"}
    complete, _ = cli(real_paths, monkeypatch, "members-outside", "--as-of", "2025-06-01")
    assert complete and {r["basis"] for r in complete} == {"absent from the complete list"}
    behalf, _ = cli(
        real_paths,
        monkeypatch,
        "alliance-members",
        "--alliance",
        "alliance:unga-resolution-ai-capacity-building",
        "--as-of",
        "2025-01-01",
        "--role",
        "role:presented-on-behalf-of",
    )
    assert len(behalf) >= 10


def test_defect5_asset_freezes_on_sberbank_by_kind(real_paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    rows, _ = cli(
        real_paths,
        monkeypatch,
        "measures-against",
        "--target",
        "inst:sberbank",
        "--kind",
        "mkind:asset-freeze",
        "--as-of",
        "2025-06-01",
    )
    assert {str(r["measure"]).rsplit("/", 1)[-1] for r in rows} == {"gbr-2022-04-sberbank-asset-freeze"}


def test_defect6_technologies_match_both_ways_and_neutral_rules_are_neutral(
    real_paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows, _ = cli(
        real_paths,
        monkeypatch,
        "measures-against",
        "--target",
        "state:RUS",
        "--technology",
        "tech:microchips",
        "--as-of",
        "2025-06-01",
    )
    matches = {(str(r["measure"]).rsplit("/", 1)[-1], r["match"]) for r in rows}
    assert ("jpn-2022-03-russia-semiconductors", "broader") in matches
    assert ("eu-2023-02-tenth-package-electronics", "exact") in matches
    tools, _ = cli(
        real_paths,
        monkeypatch,
        "who-restricts-technology",
        "--technology",
        "tech:chipmaking-equipment",
        "--as-of",
        "2025-06-01",
    )
    japan = [r for r in tools if str(r["measure"]).endswith("jpn-2023-07-chipmaking-equipment")]
    assert japan and {r["targeting"] for r in japan} == {"aimed at (country-neutral rule)"}


def test_defect7_brics_founders_ranked_above_russia(real_paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("ranked-above", "--members-of", "alliance:brics", "--as-of", "2025-06-01")
    rows, _ = cli(real_paths, monkeypatch, *args, "--role", "role:founding-member")
    assert {str(r["other"]).rsplit("/", 1)[-1] for r in rows} == {"CHN", "IND", "BRA"}
    everyone, _ = cli(real_paths, monkeypatch, *args)
    assert "ARE" in {str(r["other"]).rsplit("/", 1)[-1] for r in everyone}
    before, _ = cli(real_paths, monkeypatch, "ranked-above", "--members-of", "alliance:brics", "--as-of", "2023-06-01")
    assert "ARE" not in {str(r["other"]).rsplit("/", 1)[-1] for r in before}


def test_explain_prints_the_chain_with_quotes(real_paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_GRAPH_HOME", str(real_paths.home))
    result = CliRunner().invoke(app, ["query", "bloc-members-cooperating-with", "--as-of", "2025-01-31", "--explain"])
    assert result.exit_code == 0, result.output
    assert "cooperation:2024-05-16-russia-china-joint-statement-ai" in result.stdout
    assert "since 2024-05-16" in result.stdout and '"' in result.stdout


def test_no_derived_date_is_a_retrieval_date(real_store: Store) -> None:
    rows = real_store.query(
        """SELECT ?fact ?date WHERE {
             ?fact ag:validFrom|ag:possibleFrom|ag:validUntil|ag:possibleUntil|ag:knownBy ?date ;
                   prov:wasDerivedFrom ?doc .
             ?doc ag:retrieved ?retrieved . FILTER (STR(?retrieved) = STR(?date))
             FILTER NOT EXISTS { ?doc ag:published ?published . FILTER (STR(?published) = STR(?date)) }
             FILTER NOT EXISTS { ?fact ag:startDate|ag:endDate|ag:announcedDate ?own . FILTER (STR(?own) = STR(?date)) }
           }"""
    ).rows
    assert rows == []
