"""Compile and SHACL errors name the file, the record and the rule; good data passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from alliance_graph.build import BuildError, check
from alliance_graph.compile import MAX_QUOTE_WORDS, compile_files, parse_date
from alliance_graph.ontology import Schema
from alliance_graph.paths import ProjectPaths

BROKEN = FIXTURES / "broken"


def _problems_with(paths: ProjectPaths, broken: str) -> tuple[str, list[str]]:
    shutil.copy(BROKEN / broken, paths.data_dir / broken)
    with pytest.raises(BuildError) as caught:
        check(paths)
    return caught.value.step, caught.value.problems


def test_fixture_data_is_valid(fixture_project: ProjectPaths) -> None:
    _schema, compilation, violations, _states = check(fixture_project)
    assert not compilation.errors
    assert [v for v in violations if v.severity == "Violation"] == []


def test_real_data_is_valid() -> None:
    _schema, compilation, violations, _states = check(ProjectPaths(ROOT))
    assert len(compilation.files) >= 1
    assert [str(v) for v in violations if v.severity == "Violation"] == []


@pytest.mark.parametrize(
    ("broken", "step", "expected"),
    [
        ("missing-source.yaml", "compile", "membership:broken-missing-source: sources: no source"),
        ("bad-date.yaml", "compile", "membership:broken-bad-date: startDate: '2024-02-30' is not"),
        (
            "unknown-state.yaml",
            "validate",
            "membership:broken-unknown-state: org:member: a membership",
        ),
        (
            "rank-out-of-range.yaml",
            "validate",
            "ranking:broken-rank: rank 84 is above the index size",
        ),
        ("no-date.yaml", "validate", "membership:broken-no-date: a fact needs a start date"),
        (
            "derived-asserted.yaml",
            "compile",
            "inst:broken-derived: memberOf: is derived by the build",
        ),
    ],
)
def test_broken_fixture_is_reported(fixture_project: ProjectPaths, broken: str, step: str, expected: str) -> None:
    got_step, problems = _problems_with(fixture_project, broken)
    assert got_step == step
    assert any(p.startswith(f"{broken}: {expected}") for p in problems), problems


def test_long_quote_and_unknown_key(tmp_path: Path) -> None:
    data = tmp_path / "one.yaml"
    words = " ".join(["word"] * (MAX_QUOTE_WORDS + 1))
    data.write_text(
        "sources:\n  s1:\n    url: https://example.org\n    title: T\n    publisher: P\n"
        f"    published: 2024-01-01\n    quote: {words}\n"
        "records:\n  - id: inst:x\n    a: Company\n    label: X\n    colour: red\n    sources: [s1]\n",
        encoding="utf-8",
    )
    compilation = compile_files(Schema.load(ProjectPaths(ROOT)), [data])
    messages = [str(e) for e in compilation.errors]
    assert f"one.yaml: source s1: quote: has {MAX_QUOTE_WORDS + 1} words; at most 25" in messages
    assert any(m.startswith("one.yaml: inst:x: colour: unknown key") for m in messages)


def test_duplicate_record_ids_across_files(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(
            f"sources:\n  {name[0]}-s:\n    url: https://example.org\n    title: T\n"
            "    publisher: P\n    published: 2024\n    quote: q\n"
            f"records:\n  - id: inst:same\n    a: Company\n    label: X\n"
            f"    headquarteredIn: state:RUS\n    sources: [{name[0]}-s]\n",
            encoding="utf-8",
        )
    compilation = compile_files(Schema.load(ProjectPaths(ROOT)), [tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert [str(e) for e in compilation.errors] == ["b.yaml: inst:same: id: also defined in a.yaml"]


@pytest.mark.parametrize(
    ("raw", "datatype"),
    [("2024-12-11", "date"), ("2024-12", "gYearMonth"), ("2024", "gYear"), (2019, "gYear")],
)
def test_dates_keep_their_precision(raw: object, datatype: str) -> None:
    assert str(parse_date(raw).datatype).endswith(f"#{datatype}")


def test_a_time_is_not_a_date() -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date("2024-12-11T10:00")
