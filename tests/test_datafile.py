"""Data files that cannot lose a typo: duplicate keys, suggestions, and the generated JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, ROOT
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from alliance_graph.cli import app
from alliance_graph.compile import compile_files
from alliance_graph.datafile import DataFileError, data_schema, load_data_file, read_data_file, suggest
from alliance_graph.ontology import Schema
from alliance_graph.paths import ProjectPaths
from alliance_graph.states import state_codes

TWICE = """records:
  - id: membership:x
    a: Membership
    startDate: 2024-01-01
    role: role:member
    startDate: 2025-01-01
"""


def test_a_duplicate_key_is_an_error_with_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(TWICE, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_data_file(path)
    assert (caught.value.line, caught.value.column) == (6, 5)
    assert str(caught.value) == "twice.yaml: line 6, column 5: duplicate key 'startDate' (first at line 4)"


def test_a_duplicate_document_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "docs.yaml"
    path.write_text("documents:\n  a: {url: u}\n  b: {url: v}\n  a: {url: w}\n", encoding="utf-8")
    assert read_data_file(path) == (None, "line 4, column 3: duplicate key 'a' (first at line 2)")


def test_the_compiler_reports_the_duplicate(tmp_path: Path) -> None:
    """The one loading call of compile.py goes through the new loader."""
    path = tmp_path / "twice.yaml"
    path.write_text(TWICE, encoding="utf-8")
    compilation = compile_files(Schema.load(ProjectPaths(ROOT)), [path])
    assert [str(e) for e in compilation.errors] == [
        "twice.yaml: (file): not valid YAML: line 6, column 5: duplicate key 'startDate' (first at line 4)"
    ]


def test_a_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("records:\n  - id: x\n    a: [unclosed\n", encoding="utf-8")
    content, problem = read_data_file(path)
    assert content is None and problem is not None
    assert problem.startswith("line 4, column 1: ")


class _OldLoader(yaml.SafeLoader):
    """compile.py's loader before the switch: PyYAML without implicit timestamps."""


_OldLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.mark.parametrize(
    "path",
    [*sorted((ROOT / "data").glob("*.yaml")), *sorted((FIXTURES / "data").glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_every_data_file_reads_as_before(path: Path) -> None:
    """Same values, same types as the PyYAML loader read: the switch changes no fact."""
    old = yaml.load(path.read_text(encoding="utf-8"), Loader=_OldLoader)  # noqa: S506 (a SafeLoader subclass)
    new = load_data_file(path)
    assert new == old
    assert _types(new) == _types(old)


def test_values_that_differ_between_yaml_versions_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "v.yaml"
    text = "a: yes\nb: 010\nc: 2024-02-30\nd: 2025-01\ne: ~\nf: 1.5\n"
    path.write_text(text, encoding="utf-8")
    assert load_data_file(path) == yaml.load(text, Loader=_OldLoader) == {  # noqa: S506 (a SafeLoader subclass)
        "a": True,
        "b": 8,
        "c": "2024-02-30",
        "d": "2025-01",
        "e": None,
        "f": 1.5,
    }


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


def test_suggestions() -> None:
    assert suggest("headquarterdIn", ["headquarteredIn", "subOrganizationOf"]) == ["headquarteredIn"]
    assert suggest("state:RSU", ["state:RUS", "state:USA", "alliance:rus"])[0] == "state:RUS"
    assert suggest("nothing-like-it", ["startDate"]) == []


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = data_schema(Schema.load(ProjectPaths(ROOT)), state_codes())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(validator: Draft202012Validator, path: Path) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(load_data_file(path))]


@pytest.mark.parametrize(
    "path",
    [*sorted((FIXTURES / "data").glob("*.yaml")), *sorted((ROOT / "data").glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_the_schema_accepts_the_data_files(validator: Draft202012Validator, path: Path) -> None:
    assert _errors(validator, path) == []


#: Broken fixtures whose fault one file shows; the other two (a source defined in no file, a rank
#: beyond its index's size) need every file at once and stay with the compiler and SHACL.
REJECTED = {
    "bad-date.yaml": "['records', 0, 'startDate']",
    "derived-asserted.yaml": "'memberOf' does not match",
    "no-date.yaml": "['records', 0]",
    "unknown-state.yaml": "['records', 0, 'member']",
}
CROSS_FILE = {"missing-source.yaml", "rank-out-of-range.yaml"}


def test_every_broken_fixture_is_accounted_for() -> None:
    assert {p.name for p in (FIXTURES / "broken").glob("*.yaml")} == set(REJECTED) | CROSS_FILE


@pytest.mark.parametrize(("name", "where"), sorted(REJECTED.items()))
def test_the_schema_rejects_the_broken_fixtures(validator: Draft202012Validator, name: str, where: str) -> None:
    errors = _errors(validator, FIXTURES / "broken" / name)
    assert len(errors) == 1 and where in errors[0], errors


FORMAT_V2 = """
documents:
  reuters-2024-12-11-russia-brics-ai:
    url: https://www.reuters.com/technology/russia-brics-ai
    title: Russia to team up with BRICS partners on AI
    publisher: Reuters
    tier: wire
    language: en
    published: 2024-12-11
    retrieved: 2026-12-01
records:
  - id: membership:x-bra
    a: Membership
    member: state:BRA
    organization: alliance:bloc
    role: role:member
    startDate: 2024-12
    citations:
      - doc: reuters-2024-12-11-russia-brics-ai
        quote: "Russia will team up with BRICS partners"
        supports: startDate
"""


def test_the_schema_takes_documents_and_citations(validator: Draft202012Validator, tmp_path: Path) -> None:
    path = tmp_path / "v2.yaml"
    path.write_text(FORMAT_V2, encoding="utf-8")
    assert _errors(validator, path) == []
    path.write_text(FORMAT_V2.replace("tier: wire", "tier: blog").replace("startDate: 2024-12", "strtDate: 2024"))
    errors = "\n".join(_errors(validator, path))
    assert "'blog' is not one of" in errors and "'strtDate' does not match" in errors


def test_data_schema_command(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    result = CliRunner().invoke(app, ["data", "schema", "--output", str(out)], env={"ALLIANCE_GRAPH_HOME": str(ROOT)})
    assert result.exit_code == 0, result.output
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert "startDate" in schema["$defs"]["record"]["properties"]
    assert "memberOf" not in schema["$defs"]["record"]["properties"]  # derived: never written in data
