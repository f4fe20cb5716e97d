"""The ontology engineer's workflow: extend in Python, save, rebuild, check, document, release, diff."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, make_project
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS, XSD

from alliance_graph import ontology
from alliance_graph.build import BuildError, build_on_disk, check
from alliance_graph.namespaces import AG
from alliance_graph.ontology.docs import render
from alliance_graph.ontology.quality import report
from alliance_graph.ontology.reasoning import ReasoningError, check_consistency
from alliance_graph.ontology.release import ReleaseError, diff, load_version, release
from alliance_graph.paths import ProjectPaths
from alliance_graph.queries import load_catalogue, run
from alliance_graph.store import open_current

NEW_MEASURE = """
sources:
  eng-src:
    url: https://example.org/eng
    title: Engineering fixture
    publisher: Example
    published: 2025-01-01
    quote: "Fixture quote."
records:
  - id: measure:eng-compute-control
    a: AIComputeExportControl
    label: A compute-threshold control (fixture)
    imposer: state:USA
    target: state:CHN
    restricts: tech:advanced-computing-chips
    computeThreshold: 4800
    startDate: 2025-01-15
    sources: [eng-src]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectPaths:
    paths = make_project(tmp_path / "project", ROOT / "data")
    shutil.copy(ROOT / "CHANGELOG.md", paths.home / "CHANGELOG.md")
    monkeypatch.setenv("ALLIANCE_GRAPH_HOME", str(paths.home))
    return paths


def _quiet(_: str) -> None:
    return None


def test_save_without_change_is_byte_identical(project: ProjectPaths) -> None:
    before = project.ontology_file.read_text(encoding="utf-8")
    ontology.save(ontology.open())
    assert project.ontology_file.read_text(encoding="utf-8") == before


def test_python_recipe_end_to_end(project: ProjectPaths) -> None:
    import owlready2

    before = project.ontology_file.read_text(encoding="utf-8").splitlines()
    onto = ontology.open()
    with onto:

        class AIComputeExportControl(onto.ExportControl):
            label = [owlready2.locstr("AI compute export control", "en")]
            definition = [owlready2.locstr("An export control defined by a compute threshold.", "en")]

        class computeThreshold(owlready2.DataProperty):
            domain = [AIComputeExportControl]
            range = [float]
            label = [owlready2.locstr("compute threshold", "en")]
            definition = [owlready2.locstr("The performance threshold a control applies from.", "en")]

        AIComputeExportControl.is_a.append(onto.restricts.some(onto.Technology))
    ontology.save(onto)
    after = project.ontology_file.read_text(encoding="utf-8").splitlines()
    assert len(after) - len(before) < 40  # a small, readable diff
    graph = ontology.parse_turtle(project.ontology_file)
    assert (AG.AIComputeExportControl, RDFS.subClassOf, AG.ExportControl) in graph
    assert graph.value(AG.computeThreshold, RDFS.range) == XSD.decimal
    assert graph.value(AG.AIComputeExportControl, URIRef("http://www.w3.org/2004/02/skos/core#definition"))

    (project.data_dir / "engineering.yaml").write_text(NEW_MEASURE, encoding="utf-8")
    build_on_disk(project)
    store = open_current(project.var_dir)
    assert store.query("ASK { measure:eng-compute-control a ag:ExportControl , ag:RestrictiveMeasure }").boolean
    rows = run(
        store, load_catalogue(project.queries_dir)["measures-against"], {"target": "state:CHN", "as_of": "2025-02-01"}
    ).answer.dicts()
    assert "https://w3id.org/alliance-graph/id/measure/eng-compute-control" in {str(r["measure"]) for r in rows}
    assert store.query(
        "ASK { GRAPH <https://w3id.org/alliance-graph/graph/ontology> { ag:AIComputeExportControl a owl:Class } }"
    ).boolean
    store.close()
    findings = report(graph, project)
    assert [f for f in findings if f.level == "error"] == []
    page = render(project.ontology_file, project.var_dir / "docs")
    assert "AIComputeExportControl" in page.read_text(encoding="utf-8")

    broken = NEW_MEASURE.replace("    imposer: state:USA\n", "").replace("eng-", "eng2-")
    (project.data_dir / "engineering-broken.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        check(project)
    assert any("eng2-compute-control" in p and "imposer" in p for p in caught.value.problems)


def test_inconsistent_record_is_named(project: ProjectPaths) -> None:
    graph = ontology.parse_turtle(project.ontology_file)
    graph.add((AG.Bank, OWL.disjointWith, AG.GovernmentBody))
    project.ontology_file.write_text(ontology.canonical_turtle(graph), encoding="utf-8")
    (project.data_dir / "odd.yaml").write_text(
        NEW_MEASURE.split("records:")[0].replace("eng-src", "odd-src")
        + "records:\n  - id: inst:odd-bank\n    a: [Bank, GovernmentBody]\n    label: Odd\n"
        "    headquarteredIn: state:RUS\n    sources: [odd-src]\n",
        encoding="utf-8",
    )
    with pytest.raises(ReasoningError, match=r"odd\.yaml, record inst:odd-bank"):
        check_consistency(project, _quiet)


def test_unsatisfiable_class_is_named(project: ProjectPaths) -> None:
    graph = ontology.parse_turtle(project.ontology_file)
    graph.add((AG.Bank, OWL.disjointWith, AG.GovernmentBody))
    graph.add((AG.StateBank, RDFS.subClassOf, AG.Bank))
    graph.add((AG.StateBank, RDFS.subClassOf, AG.GovernmentBody))
    graph.add((AG.StateBank, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), OWL.Class))
    project.ontology_file.write_text(ontology.canonical_turtle(graph), encoding="utf-8")
    with pytest.raises(ReasoningError, match="unsatisfiable classes: ag:StateBank"):
        check_consistency(project, _quiet)


def test_quality_report_catches_a_missing_label(project: ProjectPaths) -> None:
    graph = ontology.parse_turtle(project.ontology_file)
    graph.remove((AG.Directive, RDFS.label, None))
    findings = report(graph, project)
    assert any(f.level == "error" and f.rule == "missing-label" and f.term == "ag:Directive" for f in findings)


def test_quality_report_on_the_real_ontology_has_no_errors(project: ProjectPaths) -> None:
    _schema, compilation, _v, _s = check(project)
    graph = ontology.parse_turtle(project.ontology_file)
    findings = report(graph, project, [c.graph for c in compilation.files])
    assert [str(f) for f in findings if f.level == "error"] == []


def test_diff_names_changes_and_removed_terms_in_use(project: ProjectPaths) -> None:
    old = load_version(str(project.ontology_file), project)
    new = ontology.parse_turtle(project.ontology_file)
    new.add((AG.Summit, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), OWL.Class))
    new.set((AG.Directive, RDFS.label, Literal("instruction", lang="en")))
    new.remove((AG.legalInstrument, None, None))
    changes = diff(old, new, {"legalInstrument"})
    text = "\n".join(changes.lines())
    assert "class ag:Summit" in changes.added
    assert "datatype property ag:legalInstrument" in changes.removed
    assert any(c.startswith("ag:Directive: rdfs:label") for c in changes.changed)
    assert "removed term ag:legalInstrument is still used" in text


def test_diff_of_git_revisions() -> None:
    changes = diff(load_version("HEAD", ProjectPaths(ROOT)), load_version("HEAD", ProjectPaths(ROOT)))
    assert changes.lines() == ["No changes."]
    with pytest.raises(ReleaseError, match="neither a file nor a git revision"):
        load_version("no-such-revision-xyz", ProjectPaths(ROOT))


def test_release(project: ProjectPaths) -> None:
    target = release(project, "0.9.0", [])
    for suffix in ("ttl", "rdf", "jsonld", "nt"):
        assert (target / f"alliance-graph.{suffix}").stat().st_size > 1000
    stamped = ontology.parse_turtle(target / "alliance-graph.ttl")
    iri = URIRef("https://w3id.org/alliance-graph/ontology")
    assert stamped.value(iri, OWL.versionIRI) == URIRef("https://w3id.org/alliance-graph/ontology/0.9.0")
    assert "## Ontology 0.9.0" in (project.home / "CHANGELOG.md").read_text(encoding="utf-8")
    with pytest.raises(ReleaseError, match="not above"):
        release(project, "0.9.0", [])
    with pytest.raises(ReleaseError, match="semantic version"):
        release(project, "1.0", [])


def test_protege_catalog_resolves_offline() -> None:
    catalog = ET.parse(ROOT / "ontology" / "catalog-v001.xml").getroot()
    for entry in catalog:
        assert (ROOT / "ontology" / entry.attrib["uri"]).is_file()
    names = {entry.attrib["name"] for entry in catalog}
    assert "https://w3id.org/alliance-graph/ontology" in names


def test_protege_style_turtle_is_accepted_by_the_build(project: ProjectPaths) -> None:
    """Protégé itself does not run here; its Turtle layout (``@base``, the empty prefix, banners,
    ``owl:Axiom`` annotations) does, merged into the schema the way a save would."""
    saved = ontology.parse_turtle(project.ontology_file)
    saved.parse(str(ROOT / "tests" / "fixtures" / "protege" / "extension.ttl"), format="turtle")
    text = saved.serialize(format="turtle", base="https://w3id.org/alliance-graph/ontology")
    project.ontology_file.write_text(text, encoding="utf-8")
    (project.data_dir / "engineering.yaml").write_text(NEW_MEASURE.replace("    computeThreshold: 4800\n", ""))
    build_on_disk(project)
    store = open_current(project.var_dir)
    assert store.query("ASK { measure:eng-compute-control a ag:RestrictiveMeasure }").boolean
    store.close()
    findings = report(ontology.parse_turtle(project.ontology_file), project)
    assert [f for f in findings if f.level == "error"] == []
