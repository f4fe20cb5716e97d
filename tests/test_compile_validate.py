"""Compile and SHACL errors name the file, the record and the rule; good data passes."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from alliance_graph.build import BuildError, check, compile_project
from alliance_graph.compile import MAX_QUOTE_WORDS, Compilation, compile_files, parse_date
from alliance_graph.ontology import Schema, parse_turtle
from alliance_graph.paths import ProjectPaths
from alliance_graph.shacl_sparql import Unsupported, compile_shapes
from alliance_graph.validate import data_store, run_shacl, validate_store

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
        ("missing-source.yaml", "compile", "membership:broken-missing-source: citations: citation #1: no document"),
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


DOC = "documents:\n  {key}:\n    url: {url}\n    title: T\n    publisher: P\n    tier: press\n    published: 2024\n"
RECORD = "  - id: {rid}\n    a: Company\n    label: X\n    headquarteredIn: state:RUS\n    citations: [{{doc: {key}, quote: q}}]\n"


def _compile(tmp_path: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    compilation = compile_files(Schema.load(ProjectPaths(ROOT)), [tmp_path / n for n in files])
    return [str(e) for e in compilation.errors]


def test_long_quote_and_unknown_key(tmp_path: Path) -> None:
    words = " ".join(["word"] * (MAX_QUOTE_WORDS + 1))
    text = DOC.format(key="s1", url="https://example.org") + (
        f"records:\n  - id: inst:x\n    a: Company\n    label: X\n    colour: red\n"
        f"    citations: [{{doc: s1, quote: {words}}}]\n"
    )
    messages = _compile(tmp_path, {"one.yaml": text})
    assert f"one.yaml: inst:x: citations: citation #1: quote has {MAX_QUOTE_WORDS + 1} words; at most 25" in messages
    assert any(m.startswith("one.yaml: inst:x: colour: unknown key") for m in messages)


def test_duplicate_record_ids_across_files(tmp_path: Path) -> None:
    files = {
        f"{n}.yaml": DOC.format(key=f"{n}-s", url=f"https://example.org/{n}")
        + "records:\n"
        + RECORD.format(rid="inst:same", key=f"{n}-s")
        for n in ("a", "b")
    }
    assert _compile(tmp_path, files) == ["b.yaml: inst:same: id: also defined in a.yaml"]


def test_one_document_per_url(tmp_path: Path) -> None:
    files = {
        "a.yaml": DOC.format(key="page-one", url="https://example.org/p")
        + "records:\n"
        + RECORD.format(rid="inst:a", key="page-one"),
        "b.yaml": DOC.format(key="page-two", url="https://example.org/p")
        + "records:\n"
        + RECORD.format(rid="inst:b", key="page-two"),
    }
    [message] = _compile(tmp_path, files)
    assert message.startswith("b.yaml: document page-two: url:")
    assert "'page-one'" in message and "'page-two'" in message


def test_format_v1_keys_say_what_replaces_them(tmp_path: Path) -> None:
    old = "sources:\n  s1:\n    url: https://example.org\n    quote: q\nrecords: []\n"
    [message] = _compile(tmp_path, {"old.yaml": old})
    assert message.startswith("old.yaml: (file): sources: format v1: give citations:")
    coop = DOC.format(key="s1", url="https://example.org") + (
        "records:\n  - id: cooperation:x\n    a: Agreement\n    participant: state:RUS\n"
        "    citations: [{doc: s1, quote: q}]\n    sources: [s1]\n"
    )
    messages = _compile(tmp_path, {"coop.yaml": coop})
    assert any("cooperation:x: participant: format v1: give the parties" in m for m in messages)
    assert any("cooperation:x: sources: format v1: give citations:" in m for m in messages)


def test_publishers_resolve_through_aliases_and_labels_keep_their_language(tmp_path: Path) -> None:
    publishers = (
        "publishers:\n  reuters:\n    name: Reuters\n    aliases: [Business Recorder (Reuters)]\n    tier: wire\n"
    )
    data = (
        "documents:\n  d1:\n    url: https://example.org/1\n    title: T\n    publisher: business recorder (reuters)\n"
        "    tier: wire\n    language: en\n    published: 2024-05\n    retrieved: 2026-12-01\n"
        "records:\n  - id: inst:sber\n    a: Bank\n    label: Sberbank\n    altLabel: [Sber, {text: Сбербанк, lang: ru}]\n"
        "    headquarteredIn: state:RUS\n    formerName: {text: Sberbank of Russia, until: 2015}\n"
        "    citations: [{doc: d1, quote: q, supports: label}]\n"
    )
    for name, text in {"publishers.yaml": publishers, "one.yaml": data}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    compilation = compile_files(Schema.load(ProjectPaths(ROOT)), [tmp_path / "publishers.yaml", tmp_path / "one.yaml"])
    assert compilation.errors == []
    graph = compilation.files[1].graph
    turtle = graph.serialize(format="nt")
    assert "<https://w3id.org/alliance-graph/id/publisher/reuters>" in turtle
    assert '"Сбербанк"@ru' in turtle and '"Sber"@en' in turtle
    assert '"2015"^^<http://www.w3.org/2001/XMLSchema#gYear>' in turtle
    assert "<https://w3id.org/alliance-graph/ontology#supports>" in turtle


# The old format v1 files (before the migration) held these many (page, quote) pairs: 381 source
# blocks, of which 380 distinct (URL, quote) pairs on 214 URLs, cited 1,057 times by 442 records.
OLD_PAIRS, OLD_URLS, OLD_CITED = 380, 214, 1057


def test_the_migration_lost_no_source() -> None:
    from rdflib import URIRef
    from rdflib.namespace import PROV

    from alliance_graph.namespaces import AG

    compilation = compile_files(Schema.load(ProjectPaths(ROOT)), ProjectPaths(ROOT).data_files())
    assert compilation.errors == []
    graph = compilation.files[0].graph
    for compiled in compilation.files[1:]:
        graph += compiled.graph
    cited = set()
    for record, citation in graph.subject_objects(AG.citation):
        doc = graph.value(citation, AG.document)
        assert (record, PROV.wasDerivedFrom, doc) in graph
        cited.add((record, str(graph.value(doc, AG.url)), str(graph.value(citation, AG.quote))))
    assert all(isinstance(r, URIRef) for r, _u, _q in cited)
    assert len({(u, q) for _r, u, q in cited}) >= OLD_PAIRS
    assert len({u for _r, u, _q in cited}) >= OLD_URLS
    assert len(cited) >= OLD_CITED
    assert len(set(graph.subjects(None, AG.Document))) >= OLD_URLS


@pytest.mark.parametrize(
    ("raw", "datatype"),
    [("2024-12-11", "date"), ("2024-12", "gYearMonth"), ("2024", "gYear"), (2019, "gYear")],
)
def test_dates_keep_their_precision(raw: object, datatype: str) -> None:
    assert str(parse_date(raw).datatype).endswith(f"#{datatype}")


def test_a_time_is_not_a_date() -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date("2024-12-11T10:00")


def _mutated_real_data(seed: int) -> tuple[Schema, Compilation, Graph]:
    """The real compiled data with a share of its triples deleted and of its objects replaced."""
    schema, compilation, states = compile_project(ProjectPaths(ROOT))
    rng = random.Random(seed)  # noqa: S311 - a reproducible mutation, not a secret
    odd = [Literal("x"), Literal(0), Literal("2024", datatype=XSD.string), Literal(True)]
    odd.append(Literal("many", datatype=XSD.integer))  # ill-formed: pyshacl's sh:datatype rejects it
    for compiled in compilation.files:
        triples = sorted(compiled.graph, key=str)
        objects = [o for _s, _p, o in triples] + odd
        for triple in rng.sample(triples, len(triples) // 40):
            compiled.graph.remove(triple)
        for s, p, _o in rng.sample(triples, len(triples) // 40):
            compiled.graph.add((s, p, rng.choice(objects)))
    return schema, compilation, states


def test_shapes_on_the_engine_find_what_pyshacl_finds() -> None:
    schema, compilation, states = _mutated_real_data(seed=3)
    shapes = parse_turtle(ProjectPaths(ROOT).shapes_file)
    view = Graph()
    for graph in (schema.combined(), states, *(c.graph for c in compilation.files)):
        view += graph
    expected = run_shacl(view, shapes, compilation)
    found = validate_store(data_store(compilation, schema.combined(), states), shapes, compilation)
    assert found == expected
    assert len({v.message for v in found}) >= 35  # nearly every rule of shapes.ttl fires somewhere
    assert {v.severity for v in found} == {"Violation", "Warning"}


def test_shapes_the_engine_cannot_run_go_to_pyshacl(fixture_project: ProjectPaths) -> None:
    schema, compilation, states = compile_project(fixture_project)
    shapes = parse_turtle(fixture_project.shapes_file)
    shape = URIRef("https://example.org/shapes#Bloc")
    shapes.add((shape, RDF.type, SH.NodeShape))
    shapes.add((shape, SH.targetNode, URIRef("https://w3id.org/alliance-graph/id/alliance/bloc")))
    shapes.add((shape, SH.closed, Literal(True)))
    with pytest.raises(Unsupported):
        compile_shapes(shapes)
    found = validate_store(data_store(compilation, schema.combined(), states), shapes, compilation)
    assert any(v.record == "alliance:bloc" for v in found)  # sh:closed found its properties
