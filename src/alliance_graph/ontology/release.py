"""Releases and diffs of the ontology.

``release`` stamps a new semantic version into the source (version IRI and version info), writes
the release artefacts (Turtle, RDF/XML, JSON-LD, N-Triples) under ``ontology/releases/X.Y.Z/`` and
adds a changelog entry listing what changed since the previous version. ``diff`` compares two
versions (files, or git revisions of the source) in words a reviewer can read.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, XSD
from rdflib.term import Node

from ..namespaces import AG, ONTOLOGY_IRI, shorten
from ..paths import ProjectPaths
from .quality import declared_terms, used_terms
from .schema import canonical_turtle

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
ARTEFACTS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld", "nt": "nt"}
KINDS = {OWL.Class: "class", OWL.ObjectProperty: "object property", OWL.DatatypeProperty: "datatype property"}


class ReleaseError(ValueError):
    """A release or diff cannot be made; the message says why."""


@dataclass
class OntologyDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    axioms_added: list[str] = field(default_factory=list)
    axioms_removed: list[str] = field(default_factory=list)
    removed_in_use: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out: list[str] = []
        for title, items in (
            ("Added", self.added),
            ("Removed", self.removed),
            ("Changed", self.changed),
            ("Axioms added", self.axioms_added),
            ("Axioms removed", self.axioms_removed),
        ):
            if items:
                out.append(f"{title}:")
                out += [f"  - {item}" for item in items]
        for term in self.removed_in_use:
            out.append(f"ERROR: removed term {term} is still used in data/ or queries/")
        return out or ["No changes."]


def _terms(graph: Graph) -> dict[URIRef, str]:
    return {
        t: kind
        for rdf_type, kind in KINDS.items()
        for t in graph.subjects(RDF.type, rdf_type)
        if isinstance(t, URIRef) and t.startswith(str(AG))
    }


def _describe(triple: tuple[Node, Node, Node]) -> str:
    s, p, o = triple

    def word(term: object) -> str:
        if isinstance(term, Literal):
            text = str(term)
            return repr(text if len(text) < 60 else text[:57] + "...")
        if isinstance(term, URIRef):
            return shorten(str(term))
        return "[]"

    return f"{word(s)} {word(p)} {word(o)}"


def diff(old: Graph, new: Graph, used: set[str] | None = None) -> OntologyDiff:
    """What changed from ``old`` to ``new``; terms in ``used`` may not be removed."""
    result = OntologyDiff()
    old_terms, new_terms = _terms(old), _terms(new)
    for term in sorted(set(new_terms) - set(old_terms)):
        result.added.append(f"{new_terms[term]} {shorten(str(term))}")
    for term in sorted(set(old_terms) - set(new_terms)):
        result.removed.append(f"{old_terms[term]} {shorten(str(term))}")
        if used is not None and str(term)[len(str(AG)) :] in used:
            result.removed_in_use.append(shorten(str(term)))
    _both, only_old, only_new = graph_diff(to_isomorphic(old), to_isomorphic(new))
    header = {ONTOLOGY_IRI}
    for s in sorted({s for s, _p, _o in only_old} | {s for s, _p, _o in only_new}, key=str):
        if s in old_terms and s in new_terms:
            props = sorted({shorten(str(p)) for t in (only_old, only_new) for _s, p, _o in t.triples((s, None, None))})
            result.changed.append(f"{shorten(str(s))}: {', '.join(props)}")
    for triple in sorted(only_new, key=str):
        if triple[0] not in old_terms and triple[0] not in new_terms and triple[0] not in header:
            result.axioms_added.append(_describe(triple))
    for triple in sorted(only_old, key=str):
        if triple[0] not in old_terms and triple[0] not in new_terms and triple[0] not in header:
            result.axioms_removed.append(_describe(triple))
    return result


def load_version(spec: str, paths: ProjectPaths) -> Graph:
    """A file path, or a git revision (``HEAD~1``, a tag) of the ontology source."""
    candidate = Path(spec)
    graph = Graph()
    if candidate.is_file():
        return graph.parse(str(candidate), format="turtle")
    relative = paths.ontology_file.relative_to(paths.home)
    git = shutil.which("git")
    if git is None:
        raise ReleaseError(f"{spec!r} is not a file, and git is not installed to read it as a revision")
    # no shell; ``spec`` is one argument of ``git show`` (a revision), never a command
    shown = subprocess.run(  # noqa: S603
        [git, "-C", str(paths.home), "show", f"{spec}:{relative}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode != 0:
        raise ReleaseError(f"{spec!r} is neither a file nor a git revision with {relative}")
    return graph.parse(data=shown.stdout, format="turtle")


def _semver(text: str) -> tuple[int, int, int]:
    match = SEMVER.match(text)
    if not match:
        raise ReleaseError(f"{text!r} is not a semantic version X.Y.Z")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def release(paths: ProjectPaths, version: str, data_graphs: list[Graph], changelog: Path | None = None) -> Path:
    """Stamp ``version`` into the source, write the artefacts and a changelog entry."""
    source = Graph().parse(str(paths.ontology_file), format="turtle")
    current = str(source.value(ONTOLOGY_IRI, OWL.versionInfo) or "0.0.0")
    if _semver(version) <= _semver(current):
        raise ReleaseError(f"{version} is not above the current version {current}")
    releases = paths.ontology_dir / "releases"
    previous_file = releases / current / "alliance-graph.ttl"
    previous = Graph().parse(str(previous_file), format="turtle") if previous_file.is_file() else None
    changes = diff(previous, source, set(used_terms(paths, data_graphs))) if previous is not None else None
    if changes is not None and changes.removed_in_use:
        raise ReleaseError("; ".join(f"removed term {t} is still in use" for t in changes.removed_in_use))
    today = Literal(dt.date.today().isoformat(), datatype=XSD.date)
    source.set((ONTOLOGY_IRI, OWL.versionIRI, URIRef(f"{ONTOLOGY_IRI}/{version}")))
    source.set((ONTOLOGY_IRI, OWL.versionInfo, Literal(version)))
    source.set((ONTOLOGY_IRI, DCTERMS.modified, today))
    if previous is not None:
        source.set((ONTOLOGY_IRI, OWL.priorVersion, URIRef(f"{ONTOLOGY_IRI}/{current}")))
    paths.ontology_file.write_text(canonical_turtle(source), encoding="utf-8")
    stamped = Graph().parse(str(paths.ontology_file), format="turtle")
    target = releases / version
    target.mkdir(parents=True, exist_ok=True)
    for suffix, fmt in ARTEFACTS.items():
        out = target / f"alliance-graph.{suffix}"
        if fmt == "turtle":
            out.write_text(canonical_turtle(stamped), encoding="utf-8")
        else:
            stamped.serialize(destination=str(out), format=fmt, encoding="utf-8")
    log = changelog or paths.home / "CHANGELOG.md"
    lines = changes.lines() if changes is not None else [f"First release ({len(declared_terms(stamped))} terms)."]
    entry = f"\n## Ontology {version} ({today})\n\n" + "\n".join(lines) + "\n"
    text = log.read_text(encoding="utf-8") if log.is_file() else "# Changelog\n"
    headings = [m.start() for m in re.finditer(r"\n## ", text) if not text.startswith("\n## Unreleased", m.start())]
    at = headings[0] if headings else -1
    log.write_text(text + entry if at < 0 else text[:at] + entry + text[at:], encoding="utf-8")
    return target
