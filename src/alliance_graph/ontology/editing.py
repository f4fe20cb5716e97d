"""Edit the schema in Python with owlready2, and write it back as canonical Turtle.

owlready2 neither reads nor writes Turtle (it loads nothing from Turtle and writes 0-byte Turtle
files), so ``open`` hands it N-Triples parsed by rdflib, and ``save`` takes its N-Triples back
through rdflib into the canonical Turtle of ``schema.canonical_turtle`` — sorted and stable, so
that a change shows as a small diff.

    >>> import shutil, tempfile
    >>> from alliance_graph import ontology
    >>> copy = Path(tempfile.mkdtemp()) / "alliance-graph.ttl"
    >>> _ = shutil.copy(project().ontology_file, copy)  # the example edits a copy
    >>> onto = ontology.open(copy)
    >>> with onto:
    ...     class AIComputeExportControl(onto.ExportControl):
    ...         label = ["AI compute export control"]
    >>> ontology.save(onto) == copy.resolve()
    True
    >>> "AIComputeExportControl" in copy.read_text(encoding="utf-8")
    True
"""

from __future__ import annotations

import io
import tempfile
import weakref
from pathlib import Path
from typing import Any

from rdflib import Graph

from ..namespaces import ONTOLOGY_IRI
from ..paths import project
from .schema import canonical_turtle, parse_turtle

#: Where each open ontology was read from, so that ``save`` writes it back there. Keyed by the
#: ontology object itself, weakly: an entry goes with its ontology, so a later ontology can never
#: inherit it (an ``id()`` key can: ids are reused after garbage collection).
_SOURCES: weakref.WeakKeyDictionary[Any, Path] = weakref.WeakKeyDictionary()


def open(path: Path | None = None) -> Any:
    """The schema in ``path`` (default ``ontology/alliance-graph.ttl``) as an owlready2 ontology.

    Each call gets a fresh owlready2 World, so edits never leak between callers.
    """
    import owlready2

    source = (path or project().ontology_file).resolve()
    graph = parse_turtle(source)
    world = owlready2.World()
    data = io.BytesIO(graph.serialize(format="nt", encoding="utf-8"))
    onto = world.get_ontology(str(ONTOLOGY_IRI)).load(fileobj=data, format="ntriples")
    _SOURCES[onto] = source
    return onto


def to_graph(onto: Any) -> Graph:
    """Every triple of an owlready2 ontology, as an rdflib graph."""
    with tempfile.TemporaryDirectory() as tmp:
        ntriples = Path(tmp) / "saved.nt"
        onto.save(file=str(ntriples), format="ntriples")
        return Graph().parse(str(ntriples), format="nt")


def save(onto: Any, path: Path | None = None) -> Path:
    """Write ``onto`` back as canonical Turtle, to where it was opened from by default."""
    target = path or _SOURCES.get(onto) or project().ontology_file
    target.write_text(canonical_turtle(to_graph(onto)), encoding="utf-8")
    return target
