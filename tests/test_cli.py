"""The CLI end to end, as a user runs it: real processes, real store on disk."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_built, make_project

from alliance_graph.paths import ProjectPaths
from alliance_graph.store import open_current

CLI = [sys.executable, "-m", "alliance_graph"]


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ALLIANCE_GRAPH_HOME": str(home)}
    env.pop("ALLIANCE_GRAPH_VAR", None)
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project built once, by the CLI, for the tests that only read it."""
    paths = make_project(tmp_path_factory.mktemp("cli") / "project", FIXTURES / "data")
    result = cli("build", home=paths.home)
    assert result.returncode == 0, result.stderr
    assert "built" in result.stdout
    assert "DEBUG" not in result.stderr  # no library's import turns on DEBUG logging for the build
    return paths.home


@pytest.fixture
def built(built_once: Path) -> Path:
    """The shared build, for a test that reads it."""
    return built_once


@pytest.fixture
def built_copy(built_once: Path, tmp_path: Path) -> Path:
    """A copy of the build of its own, for a test that writes (or would, if broken)."""
    return copy_built(built_once, tmp_path / "project")


def triples(home: Path) -> int:
    """Triples in the project's active build (read in this process: cheaper than a CLI run)."""
    store = open_current(home / "var")
    try:
        return len(store)
    finally:
        store.close()


def test_query_before_build_says_what_to_do(fixture_project: ProjectPaths) -> None:
    result = cli("stats", home=fixture_project.home)
    assert result.returncode == 3
    assert "run 'alliance-graph build'" in result.stderr


def test_validate(fixture_project: ProjectPaths) -> None:
    result = cli("validate", home=fixture_project.home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: 1 file(s)")


def test_stats(built: Path) -> None:
    result = cli("stats", "--format", "json", home=built)
    figures = json.loads(result.stdout)
    assert figures["counts"]["ag:Membership"] == 6
    assert figures["counts"]["ag:State"] >= 249
    assert figures["cooperation_links"] == 2
    assert figures["newest_source"] >= "2025-01-01"


def test_named_question_in_every_format(built: Path) -> None:
    args = ["query", "bloc-members-cooperating-with", "--bloc", "alliance:bloc", "--ties", "all", "--as-of"]
    table = cli(*args, "2025-02-01", home=built)
    assert table.returncode == 0, table.stderr
    assert "Brazil" in table.stdout and "Russian Federation" in table.stdout
    rows = json.loads(cli(*args, "2025-02-01", "--format", "json", home=built).stdout)
    assert {r["stateLabel"] for r in rows} == {"Brazil", "Russian Federation"}
    directive = next(r for r in rows if r["how"] == "directive")
    assert {e["url"] for e in directive["evidence"]} == {
        "https://example.org/a",
        "https://example.org/b",
    }
    text = cli(*args, "2024-12-31", "--format", "csv", home=built).stdout
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [r["state"] for r in parsed] == ["state:BRA"]
    assert "Fixture source B <https://example.org/b>" in parsed[0]["evidence"]


def test_sparql_text_and_file(built: Path, tmp_path: Path) -> None:
    result = cli("query", "SELECT ?s WHERE { ?s ag:memberOf alliance:network }", "-f", "csv", home=built)
    assert sorted(result.stdout.split()[1:]) == ["state:BRA", "state:CHN"]
    rq = tmp_path / "ask.rq"
    rq.write_text("ASK { state:RUS ag:cooperatesWith state:CHN }", encoding="utf-8")
    assert cli("query", str(rq), home=built).stdout.strip() == "true"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bloc", "state:CHN> } ; DROP ALL ; #"], "parameter 'bloc'"),
        (["--bloc", "state:CHN"], "state:CHN is not a known ag:Grouping"),
        (
            ["--bloc", "alliance:bloc", "--as-of", "yesterday"],
            "parameter 'as_of': 'yesterday' is not a date",
        ),
        (["--colour", "red"], "has no such parameter"),
    ],
)
def test_bad_parameters_fail_cleanly(built: Path, args: list[str], message: str) -> None:
    result = cli("query", "bloc-members-cooperating-with", *args, home=built)
    assert result.returncode == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    "update",
    [
        "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
        "DROP ALL",
        "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }",
    ],
)
def test_query_never_writes(built_copy: Path, update: str) -> None:
    """``query`` is read-only: SPARQL Update text is refused and the store keeps every triple.
    Were the text handed to the store's update path, the count would change."""
    before = triples(built_copy)
    assert before > 1000
    result = cli("query", update, home=built_copy)
    assert result.returncode == 2, result.stdout
    assert triples(built_copy) == before


def test_syntax_error(built: Path) -> None:
    result = cli("query", "SELECT ?s WHERE { ?s ", home=built)
    assert result.returncode == 2
    assert "SPARQL syntax error" in result.stderr


@pytest.mark.parametrize(("fmt", "marker"), [("nquads", "/graph/inferred>"), ("turtle", "@prefix ag:")])
def test_export(built: Path, tmp_path: Path, fmt: str, marker: str) -> None:
    out = tmp_path / f"export.{fmt}"
    result = cli("export", "--format", fmt, "--output", str(out), home=built)
    assert result.returncode == 0, result.stderr
    assert marker in out.read_text(encoding="utf-8")


def test_failed_build_exit_code_and_message(built_copy: Path) -> None:
    before = triples(built_copy)
    (built_copy / "data" / "broken.yaml").write_text("records: [ {id: inst:x} ]\n", encoding="utf-8")
    result = cli("build", home=built_copy)
    assert result.returncode == 1
    assert "broken.yaml: inst:x: a: every record needs a class" in result.stderr
    assert "the previous graph is unchanged" in result.stderr
    assert triples(built_copy) == before
