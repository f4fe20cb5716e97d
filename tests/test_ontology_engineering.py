"""The ontology engineer's workflow: extend in Python, save, rebuild, check, document, release, diff."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, has_java, make_project, require
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDFS, XSD
from typer.testing import CliRunner

from alliance_graph import ontology
from alliance_graph.build import BuildError, Prepared, build_on_disk, check
from alliance_graph.cli import DIFF_OLD_HELP, app
from alliance_graph.namespaces import AG
from alliance_graph.ontology.docs import render
from alliance_graph.ontology.quality import report
from alliance_graph.ontology.reasoning import ReasoningError, check_consistency
from alliance_graph.ontology.release import ReleaseError, diff, load_version, release
from alliance_graph.paths import ProjectPaths
from alliance_graph.queries import load_catalogue, run
from alliance_graph.store import open_current

NEW_MEASURE = """
documents:
  eng-src:
    url: https://example.org/eng
    title: Engineering fixture
    publisher: Example
    tier: other
    published: 2025-01-01
    retrieved: 2025-01-02
records:
  - id: measure:eng-compute-control
    a: AIComputeExportControl
    label: A compute-threshold control (fixture)
    imposer: state:USA
    target: state:CHN
    restricts: tech:advanced-computing-chips
    computeThreshold: 4800
    measureKind: mkind:export-licence-requirement
    startDate: 2025-01-15
    citations:
      - {doc: eng-src, quote: "Fixture quote."}
"""


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: Path) -> ProjectPaths:
    paths = make_project(tmp_path / "project", data)
    shutil.copy(ROOT / "CHANGELOG.md", paths.home / "CHANGELOG.md")
    monkeypatch.setenv("ALLIANCE_GRAPH_HOME", str(paths.home))
    return paths


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectPaths:
    """The real ontology with the small fixture data: what an engineering step needs, built fast."""
    return _project(tmp_path, monkeypatch, FIXTURES / "data")


@pytest.fixture
def java() -> None:
    require(has_java(), "HermiT needs Java: apt-get install default-jre-headless")


def _quiet(_: str) -> None:
    return None


def test_save_without_change_is_byte_identical(project: ProjectPaths) -> None:
    before = ontology.parse_turtle(project.ontology_file)
    ontology.save(ontology.open())  # the first save writes the canonical form
    saved = project.ontology_file.read_text(encoding="utf-8")
    assert isomorphic(ontology.parse_turtle(project.ontology_file), before)
    ontology.save(ontology.open())
    assert project.ontology_file.read_text(encoding="utf-8") == saved


def _changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_a_one_term_change_is_a_one_term_diff(project: ProjectPaths) -> None:
    """A new subclass used to move its parent (rdflib orders subjects by how often they are
    referred to); the saved file now changes by the new term's lines only."""
    import owlready2

    ontology.save(ontology.open())
    before = project.ontology_file.read_text(encoding="utf-8")
    onto = ontology.open()
    with onto:

        class ChipExportControl(onto.ExportControl):
            label = [owlready2.locstr("chip export control", "en")]

    ontology.save(onto)
    changed = _changed_lines(before, project.ontology_file.read_text(encoding="utf-8"))
    assert changed == [
        "+ag:ChipExportControl",
        "+    a owl:Class ;",
        '+    rdfs:label "chip export control"@en ;',
        "+    rdfs:subClassOf ag:ExportControl ;",
        "+.",
        "+",
    ]


def test_save_goes_where_the_ontology_came_from_keyed_by_the_ontology(project: ProjectPaths, tmp_path: Path) -> None:
    """Saved files were keyed by ``id(onto)``: ids are reused once an object is collected, so a
    later ontology could inherit the file an earlier one came from. The key is the ontology
    itself (held weakly), which no other object can equal."""
    import owlready2

    from alliance_graph.ontology import editing

    elsewhere = tmp_path / "elsewhere.ttl"
    shutil.copy(project.ontology_file, elsewhere)
    onto = ontology.open(elsewhere)
    assert ontology.save(onto) == elsewhere.resolve()
    assert id(onto) not in editing._SOURCES and onto in editing._SOURCES
    stranger = owlready2.World().get_ontology("https://example.org/stranger")
    assert editing._SOURCES.get(stranger) is None


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

    broken = NEW_MEASURE.replace("    imposer: state:USA\n", "").replace("eng-", "eng2-").replace("/eng\n", "/eng2\n")
    (project.data_dir / "engineering-broken.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        check(project)
    assert any("eng2-compute-control" in p and "imposer" in p for p in caught.value.problems)


@pytest.mark.usefixtures("java")
def test_inconsistent_record_is_named(project: ProjectPaths) -> None:
    graph = ontology.parse_turtle(project.ontology_file)
    graph.add((AG.Bank, OWL.disjointWith, AG.GovernmentBody))
    project.ontology_file.write_text(ontology.canonical_turtle(graph), encoding="utf-8")
    (project.data_dir / "odd.yaml").write_text(
        NEW_MEASURE.split("records:")[0].replace("eng-src", "odd-src")
        + "records:\n  - id: inst:odd-bank\n    a: [Bank, GovernmentBody]\n    label: Odd\n"
        "    headquarteredIn: state:RUS\n    citations: [{doc: odd-src, quote: Fixture quote.}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ReasoningError, match=r"odd\.yaml, record inst:odd-bank"):
        check_consistency(project, _quiet)


@pytest.mark.usefixtures("java")
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


def test_quality_report_on_the_real_ontology_has_no_errors(real_build: tuple[ProjectPaths, Prepared]) -> None:
    paths, prepared = real_build
    graph = ontology.parse_turtle(paths.ontology_file)
    findings = report(graph, paths, [c.graph for c in prepared.compilation.files])
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
    catalog = ET.parse(ROOT / "ontology" / "catalog-v001.xml").getroot()  # noqa: S314 (our own file)
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


def test_without_java_the_check_says_so_in_one_line(project: ProjectPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "no-such-java-xyz")
    result = CliRunner().invoke(app, ["ontology", "check"])
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("error: HermiT needs a Java runtime and 'no-such-java-xyz' is not on PATH")
    assert "--no-reasoner" in last
    assert "Traceback" not in result.output
    # --no-reasoner never starts HermiT (the fixture data fails a competency question instead)
    skipped = CliRunner().invoke(app, ["ontology", "check", "--no-reasoner"])
    assert "HermiT" not in skipped.output and "PASS" in skipped.output


def test_the_diff_help_examples_work() -> None:
    paths = ProjectPaths(ROOT)
    examples = re.findall(r"e\.g\. ([^)\s]+)\)", DIFF_OLD_HELP)
    assert len(examples) == 2
    for example in examples:
        spec = str(ROOT / example) if "/" in example else example
        assert len(load_version(spec, paths)) > 100, example


def test_diff_does_not_hide_compile_errors(project: ProjectPaths) -> None:
    """The terms data/ uses are known only when it compiles: a compile error must stop the diff
    rather than let it pass on a partial list."""
    (project.data_dir / "broken.yaml").write_text("records: [ {id: inst:x} ]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ontology", "diff", str(project.ontology_file)])
    assert result.exit_code == 1, result.output
    assert "broken.yaml: inst:x: a: every record needs a class" in result.output
    assert "data/ does not compile" in result.output


def test_rendering_docs_leaves_logging_alone(tmp_path: Path) -> None:
    """pyLODE calls ``logging.basicConfig(level=DEBUG)`` when imported: every later log line of
    the process (a server's, a build's) would then print at DEBUG. A fresh process shows it."""
    script = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from alliance_graph.ontology.docs import render\n"
        "render(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "root = logging.getLogger()\n"
        "print(logging.getLevelName(root.level))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "ontology" / "alliance-graph.ttl"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout.split() == ["WARNING"]
    assert "DEBUG" not in ran.stderr
