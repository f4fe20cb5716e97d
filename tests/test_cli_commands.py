"""Every CLI command and its usage errors, in-process (typer's runner) on the fixture build.

``test_cli.py`` drives the CLI as a user does, in real processes; this module covers the rest of
its surface at a fraction of the cost.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from alliance_graph.cli import app
from alliance_graph.client import Client, ClientError
from alliance_graph.paths import ProjectPaths


def run(home: Path, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"ALLIANCE_GRAPH_HOME": str(home), "ALLIANCE_GRAPH_VAR": ""})


@pytest.fixture
def home(fixture_built: ProjectPaths) -> Path:
    return fixture_built.home


def test_stats_as_text(home: Path) -> None:
    result = run(home, "stats")
    assert result.exit_code == 0, result.output
    assert re.search(r"ag:Membership\s+6\n", result.output)
    assert "cooperation links" in result.output and "sources per publisher" in result.output


def test_queries_lists_questions_and_parameters(home: Path) -> None:
    result = run(home, "queries")
    assert result.exit_code == 0, result.output
    assert "bloc-members-cooperating-with:" in result.output
    assert "--as-of <date>" in result.output


def test_ask_and_construct(home: Path) -> None:
    assert run(home, "query", "ASK { state:RUS ag:cooperatesWith state:CHN }").output.strip() == "true"
    result = run(home, "query", "CONSTRUCT { ?s ag:memberOf ?o } WHERE { ?s ag:memberOf ?o }")
    assert result.exit_code == 0, result.output
    assert "PREFIX ag:" in result.output or "@prefix ag:" in result.output
    assert "state:BRA" in result.output


def test_named_question_with_columns_and_paging(home: Path) -> None:
    args = ["query", "bloc-members-cooperating-with", "--bloc", "alliance:bloc", "--ties", "all", "--as-of", "2025-02-01"]
    result = run(home, *args, "--columns", "stateLabel", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert "more rows: add --offset 1" in result.output
    assert "stateLabel" in result.output.splitlines()  # stderr and stdout are mixed here


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "ASK {}", "--format", "xml"], "unknown format 'xml'"),
        (["query", "SELECT ?s WHERE { ?s a ag:State } LIMIT 1", "--columns", "nope"], "no column 'nope'"),
        (["query", "no-such-question", "--x", "1"], "no named question 'no-such-question'"),
        (["query", "bloc-members-cooperating-with", "stray"], "unexpected argument 'stray'"),
        (["query", "bloc-members-cooperating-with", "--bloc"], "parameter --bloc needs a value"),
        (["export", "--format", "rdfa"], "unknown export format 'rdfa'"),
    ],
)
def test_usage_errors_exit_2(home: Path, args: list[str], message: str) -> None:
    result = run(home, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_export_to_stdout(home: Path) -> None:
    result = run(home, "export", "--format", "nt")
    assert result.exit_code == 0
    assert "<https://w3id.org/alliance-graph/id/state/CHN>" in result.output


def test_memory_store_builds_and_answers(home: Path) -> None:
    built = run(home, "build", "--store", "memory")
    assert built.exit_code == 0, built.output
    assert "into memory (not kept)" in built.output
    asked = run(home, "query", "ASK { state:BRA ag:memberOf alliance:network }", "--store", "memory")
    assert asked.output.strip().splitlines()[-1] == "true"


def test_validate_reports_every_problem(fixture_project: ProjectPaths) -> None:
    (fixture_project.data_dir / "broken.yaml").write_text("records: [ {id: inst:x}, {id: inst:y} ]\n")
    result = run(fixture_project.home, "validate")
    assert result.exit_code == 1
    assert "inst:x: a: every record needs a class" in result.output
    assert "inst:y: a: every record needs a class" in result.output


def test_build_failure_names_the_problem(fixture_project: ProjectPaths) -> None:
    (fixture_project.data_dir / "broken.yaml").write_text("records: [ {id: inst:x} ]\n")
    result = run(fixture_project.home, "build")
    assert result.exit_code == 1
    assert "the previous graph is unchanged" in result.output
    stats = run(fixture_project.home, "stats")
    assert stats.exit_code == 3 and "run 'alliance-graph build'" in stats.output


def test_ontology_docs_release_and_diff(fixture_project: ProjectPaths, tmp_path: Path) -> None:
    docs = run(fixture_project.home, "ontology", "docs", "--output", str(tmp_path / "docs"))
    assert docs.exit_code == 0, docs.output
    assert (tmp_path / "docs" / "index.html").is_file()
    released = run(fixture_project.home, "ontology", "release", "9.0.0")
    assert released.exit_code == 0, released.output
    assert "released ontology 9.0.0" in released.output
    assert run(fixture_project.home, "ontology", "release", "9.0").exit_code == 2
    previous = fixture_project.ontology_dir / "releases" / "0.2.0" / "alliance-graph.ttl"
    diff = run(fixture_project.home, "ontology", "diff", str(previous))
    assert diff.exit_code == 0, diff.output
    assert "owl:versionInfo" not in diff.output  # the header is not a term's change
    assert run(fixture_project.home, "ontology", "diff", "no-such-rev").exit_code == 2


def test_data_schema_default_location(fixture_project: ProjectPaths) -> None:
    result = run(fixture_project.home, "data", "schema")
    assert result.exit_code == 0, result.output
    assert (fixture_project.data_dir / "schema.json").is_file()


def test_client_refuses_other_schemes_and_names_an_unreachable_service() -> None:
    with pytest.raises(ValueError, match="not an http"):
        Client("file:///etc/passwd")
    with pytest.raises(ClientError, match="cannot reach"):
        Client("http://127.0.0.1:9", timeout=2).questions()
