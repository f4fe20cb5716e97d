"""OWL reasoning with HermiT (through owlready2): consistency, satisfiability, entailments.

owlready2 cannot read Turtle, and HermiT rejects ``xsd:date`` as the range or the value of a
datatype property (``xsd:dateTime`` passes), so the reasoner gets a view of the graph: N-Triples,
dates turned into ``xsd:dateTime`` and year or year-month values left out (they carry no logic
the reasoner could use). When the graph is inconsistent, the data files and then the records of
the guilty file are reasoned over in halves with the schema, so that the message names the record
that brings the contradiction.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from ..build import Checked, Progress, check
from ..compile import CompiledFile
from ..namespaces import AG, PREFIXES, shorten
from ..paths import ProjectPaths

DROPPED_DATATYPES = {XSD.gYear, XSD.gYearMonth}

#: Entailments the OWL axioms alone must yield (the build's rules derive more; see ontology/checks).
EXPECTED_ENTAILMENTS: list[tuple[URIRef, URIRef, URIRef]] = [
    (URIRef(PREFIXES["inst"] + "sberbank"), AG.ofState, URIRef(PREFIXES["state"] + "RUS")),
]


class ReasoningError(Exception):
    """The reasoner found the graph inconsistent, a class unsatisfiable or an entailment missing."""


class ReasonerUnavailableError(ReasoningError):
    """HermiT cannot run here (no Java runtime); the message says how to install it or skip it."""


NO_JAVA = (
    "HermiT needs a Java runtime and {java!r} is not on PATH: install one (e.g. apt-get install "
    "default-jre-headless) or skip the reasoner with 'alliance-graph ontology check --no-reasoner'"
)


def _require_java(owlready2: Any) -> None:
    java = str(owlready2.JAVA_EXE)
    if shutil.which(java) is None:
        raise ReasonerUnavailableError(NO_JAVA.format(java=java))


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


@dataclass
class Reasoned:
    unsatisfiable: list[str]
    missing: list[tuple[URIRef, URIRef, URIRef]]


def run_hermit(view: Graph, expected: Sequence[tuple[URIRef, URIRef, URIRef]] = ()) -> Reasoned:
    """Reason over ``view``; raise ``ReasoningError`` on inconsistency."""
    import owlready2

    _require_java(owlready2)
    world = owlready2.World()
    try:
        data = io.BytesIO(view.serialize(format="nt", encoding="utf-8"))
        onto = world.get_ontology("https://w3id.org/alliance-graph/reasoner-view").load(fileobj=data, format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=bool(expected), debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise ReasoningError("the ontology and data are inconsistent") from exc
        unsatisfiable = sorted(shorten(c.iri) for c in world.inconsistent_classes())
        missing = [t for t in expected if not _entailed(world, t)]
    finally:
        world.close()
    return Reasoned(unsatisfiable, missing)


def _entailed(world: object, triple: tuple[URIRef, URIRef, URIRef]) -> bool:
    """Whether the reasoned world has the property value, sub-properties and chains included
    (owlready2 keeps entailments through sub-properties as ``INDIRECT_`` values)."""
    subject, prop, value = (world[str(t)] for t in triple)  # type: ignore[index]
    if subject is None or prop is None or value is None:
        return False
    return value in getattr(subject, f"INDIRECT_{prop.python_name}", [])


def _consistent(graphs: list[Graph]) -> bool:
    try:
        run_hermit(reasoner_view(graphs))
    except ReasonerUnavailableError:
        raise
    except ReasoningError:
        return False
    return True


def _guilty_record(base: list[Graph], compiled: CompiledFile) -> str | None:
    """Halve the file's records until one alone (with the schema) is inconsistent."""
    subjects = list(compiled.records.items())
    verified = False  # whether ``subjects`` is known to be inconsistent with the schema
    while len(subjects) > 1:
        half = subjects[: len(subjects) // 2]
        part = Graph()
        for iri, _rid in half:
            part += compiled.graph.triples((iri, None, None))
        if _consistent([*base, part]):
            subjects, verified = subjects[len(subjects) // 2 :], False
        else:
            subjects, verified = half, True
    if not subjects:
        return None
    iri, rid = subjects[0]
    if verified:  # the last half reasoned over was this record alone
        return rid
    alone = Graph()
    alone += compiled.graph.triples((iri, None, None))
    return rid if not _consistent([*base, alone]) else None


def check_consistency(paths: ProjectPaths, progress: Progress, checked: Checked | None = None) -> list[str]:
    """Reason over schema + states + data; return report lines or raise ``ReasoningError``.

    ``checked`` is what ``build.check`` returned, for a caller that has compiled already.
    """
    schema, compilation, _violations, states = checked or check(paths, progress)
    base = [schema.combined(), states]
    progress("reasoning with HermiT ...")
    try:
        reasoned = run_hermit(reasoner_view([*base, *(c.graph for c in compilation.files)]), EXPECTED_ENTAILMENTS)
    except ReasonerUnavailableError:
        raise
    except ReasoningError:
        # Each HermiT run starts a JVM (seconds), so runs are saved where logic allows: a file that
        # is consistent with the schema proves the schema consistent (more axioms only remove models).
        guilty = [c for c in compilation.files if not _consistent([*base, c.graph])]
        if len(guilty) == len(compilation.files) and not _consistent(base):
            raise ReasoningError("the ontology itself is inconsistent (no data needed)") from None
        culprits = []
        for compiled in guilty:
            record = _guilty_record(base, compiled)
            culprits.append(f"{compiled.path.name}" + (f", record {record}" if record else ""))
        where = f" (brought by {'; '.join(culprits)})" if culprits else " (only in combination of files)"
        raise ReasoningError(f"the ontology and data are inconsistent{where}") from None
    if reasoned.unsatisfiable:
        raise ReasoningError(f"unsatisfiable classes: {', '.join(reasoned.unsatisfiable)}")
    if reasoned.missing:
        shown = "; ".join(" ".join(shorten(str(t)) for t in triple) for triple in reasoned.missing)
        raise ReasoningError(f"expected entailments missing: {shown}")
    files = len(compilation.files)
    return [
        f"consistent: ontology {schema.version}, {files} data file(s); no unsatisfiable classes; "
        f"{len(EXPECTED_ENTAILMENTS)} expected entailment(s) hold"
    ]
