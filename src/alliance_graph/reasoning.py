"""OWL reasoning with HermiT (through owlready2): consistency and unsatisfiable classes.

owlready2 reads neither Turtle nor ``xsd:date`` values that HermiT accepts (design.md), so the
reasoner gets a view of the graph: N-Triples, dates turned into ``xsd:dateTime`` and year or
year-month values left out (they carry no logic the reasoner could use). When the whole graph is
inconsistent, each data file is reasoned over alone with the schema so the message can name the
file that brings the contradiction.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDFS, XSD

from .build import Progress, check
from .paths import ProjectPaths

DROPPED_DATATYPES = {XSD.gYear, XSD.gYearMonth}


class ReasoningError(Exception):
    """The reasoner found the graph inconsistent or a class unsatisfiable."""


def reasoner_view(graphs: Iterable[Graph]) -> Graph:
    """A copy of ``graphs`` that HermiT accepts: dates as dateTimes, partial dates removed."""
    view = Graph()
    for graph in graphs:
        for s, p, o in graph:
            if isinstance(o, Literal) and o.datatype in DROPPED_DATATYPES:
                continue
            if isinstance(o, Literal) and o.datatype == XSD.date:
                o = Literal(f"{o}T00:00:00", datatype=XSD.dateTime)
            elif p == RDFS.range and o == XSD.date:
                o = XSD.dateTime
            view.add((s, p, o))
    return view


def _run_hermit(view: Graph) -> list[str]:
    """Reason over ``view``; return unsatisfiable class IRIs, raise on inconsistency."""
    import owlready2

    world = owlready2.World()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "view.nt"
        view.serialize(destination=str(path), format="nt", encoding="utf-8")
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise ReasoningError("the ontology and data are inconsistent") from exc
        unsatisfiable = [c.iri for c in world.inconsistent_classes()]
    world.close()
    return sorted(unsatisfiable)


def check_consistency(paths: ProjectPaths, progress: Progress) -> list[str]:
    """Reason over schema + states + data; return report lines or raise ``ReasoningError``."""
    schema, compilation, _violations, states = check(paths, progress)
    base = [schema.combined()]
    progress("reasoning with HermiT ...")
    try:
        unsatisfiable = _run_hermit(reasoner_view([*base, states, *(c.graph for c in compilation.files)]))
    except ReasoningError:
        culprits = []
        for compiled in compilation.files:
            try:
                _run_hermit(reasoner_view([*base, states, compiled.graph]))
            except ReasoningError:
                culprits.append(compiled.path.name)
        where = f" (brought by {', '.join(culprits)})" if culprits else " (only in combination)"
        raise ReasoningError(f"the ontology and data are inconsistent{where}") from None
    if unsatisfiable:
        raise ReasoningError(f"unsatisfiable classes: {', '.join(unsatisfiable)}")
    files = len(compilation.files)
    return [f"consistent: ontology {schema.version}, {files} data file(s); no unsatisfiable classes"]
