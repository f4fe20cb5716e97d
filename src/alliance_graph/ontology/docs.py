"""HTML documentation of the ontology (pyLODE) and a diagram of its main classes (Graphviz).

The diagram is written as DOT and rendered to SVG by Graphviz's ``dot`` where it is installed
(``.ci/run`` installs it); without it the DOT source is kept and the page links to it.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

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
        for parent in sorted(graph.objects(cls, RDFS.subClassOf)):
            if parent in names:
                lines.append(f'  "{names[cls]}" -> "{names[parent]}" [arrowhead=empty];')
    for prop in sorted(graph.subjects(RDF.type, OWL.ObjectProperty)):
        domain, rng = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        if domain in names and rng in names and str(prop).startswith(str(AG)):
            name = _label(graph, prop)  # type: ignore[arg-type]
            lines.append(f'  "{names[domain]}" -> "{names[rng]}" [label="{name}", style=dashed, color="#7a869a"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(ontology_file: Path, out_dir: Path) -> Path:
    """Write ``index.html`` (pyLODE) and the class diagram into ``out_dir``; return the page."""
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))  # pyLODE logs at INFO on root
    from pylode import OntPub

    out_dir.mkdir(parents=True, exist_ok=True)
    graph = parse_turtle(ontology_file)
    dot = out_dir / "ontology.dot"
    dot.write_text(diagram_dot(graph), encoding="utf-8")
    figure = '<p><a href="ontology.dot">Class diagram (Graphviz DOT)</a></p>'
    if shutil.which("dot"):
        svg = subprocess.run(["dot", "-Tsvg", str(dot)], capture_output=True, check=True).stdout
        (out_dir / "ontology.svg").write_bytes(svg)
        figure = f'<figure id="diagram"><h2>Main classes and properties</h2>{svg.decode("utf-8")}</figure>'
    html = OntPub(ontology=graph, sort_subjects=True).make_html()
    html = html.replace("</body>", f"{figure}</body>", 1)
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    return page
