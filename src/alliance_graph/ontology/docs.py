"""HTML documentation of the ontology (pyLODE) and a diagram of its main classes (Graphviz).

The diagram is written as DOT and rendered to SVG by Graphviz's ``dot`` where it is installed
(``.ci/run`` installs it); without it the DOT source is kept and the page links to it.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..namespaces import AG, shorten
from .schema import parse_turtle


def _label(graph: Graph, term: URIRef) -> str:
    label = graph.value(term, RDFS.label)
    return str(label) if label is not None else shorten(str(term))


def diagram_dot(graph: Graph) -> str:
    """DOT of the ``ag:`` classes (subclass edges) and object properties between them."""
    classes = sorted(c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and c.startswith(str(AG)))
    names = {c: shorten(str(c)).replace("ag:", "") for c in classes}
    lines = [
        "digraph ontology {",
        '  graph [rankdir=BT, fontname="Helvetica", fontsize=10];',
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8];',
    ]
    for cls in classes:
        lines.append(f'  "{names[cls]}" [label="{_label(graph, cls)}", URL="#{names[cls]}"];')
    for cls in classes:
        for parent in sorted(p for p in graph.objects(cls, RDFS.subClassOf) if isinstance(p, URIRef)):
            if parent in names:
                lines.append(f'  "{names[cls]}" -> "{names[parent]}" [arrowhead=empty];')
    for prop in sorted(p for p in graph.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)):
        domain, rng = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        if not (isinstance(domain, URIRef) and isinstance(rng, URIRef)):
            continue
        if domain in names and rng in names and str(prop).startswith(str(AG)):
            name = _label(graph, prop)
            lines.append(f'  "{names[domain]}" -> "{names[rng]}" [label="{name}", style=dashed, color="#7a869a"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _import_pylode() -> Any:
    """pyLODE's ``OntPub``, imported without its side effect: one of its modules calls
    ``logging.basicConfig(level=DEBUG)`` at import, which would make every later log line of the
    process (rdflib, the build) print at DEBUG. ``basicConfig`` does nothing while the root logger
    has a handler, so a placeholder handler is held for the import."""
    root = logging.getLogger()
    placeholder = logging.NullHandler()
    root.addHandler(placeholder)
    try:
        from pylode import OntPub
    finally:
        root.removeHandler(placeholder)
    return OntPub


@contextmanager
def _root_logging_at_least(level: int) -> Iterator[None]:
    root = logging.getLogger()
    before = root.level
    root.setLevel(max(before, level))
    try:
        yield
    finally:
        root.setLevel(before)


def render(ontology_file: Path, out_dir: Path) -> Path:
    """Write ``index.html`` (pyLODE) and the class diagram into ``out_dir``; return the page."""
    OntPub = _import_pylode()
    out_dir.mkdir(parents=True, exist_ok=True)
    graph = parse_turtle(ontology_file)
    dot = out_dir / "ontology.dot"
    dot.write_text(diagram_dot(graph), encoding="utf-8")
    figure = '<p><a href="ontology.dot">Class diagram (Graphviz DOT)</a></p>'
    graphviz = shutil.which("dot")
    if graphviz:
        # fixed arguments, no shell: the only input is the path of the file written just above
        svg = subprocess.run([graphviz, "-Tsvg", str(dot)], capture_output=True, check=True).stdout  # noqa: S603
        (out_dir / "ontology.svg").write_bytes(svg)
        figure = f'<figure id="diagram"><h2>Main classes and properties</h2>{svg.decode("utf-8")}</figure>'
    with _root_logging_at_least(logging.WARNING):  # pyLODE reports its progress on the root logger
        html = OntPub(ontology=graph, sort_subjects=True).make_html()
    html = html.replace("</body>", f"{figure}</body>", 1)
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    return page
