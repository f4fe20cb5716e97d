"""The build: compile → validate → infer → load, as one atomic step.

Everything up to loading happens in memory; loading writes a fresh store directory, and only a
complete, verified store is swapped in. A failure at any step raises ``BuildError`` with every
problem found, and the previously built store stays as it was.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from . import __version__
from .compile import Compilation, compile_files
from .infer import infer
from .names.keys import name_keys_graph
from .namespaces import (
    AG,
    GRAPH_INFERRED,
    GRAPH_MAPPINGS,
    GRAPH_META,
    GRAPH_NAMES,
    GRAPH_ONTOLOGY,
    GRAPH_STATES,
    data_graph,
)
from .ontology import Schema, parse_turtle
from .paths import ProjectPaths
from .remote import RemoteStore
from .states import states_graph
from .store import MemoryStore, OxigraphStore, Store, StoreLocation
from .validate import ShapesError, Violation, data_view, run_shacl

Progress = Callable[[str], None]


class BuildError(Exception):
    """The build stopped; ``problems`` lists every finding, one line each."""

    def __init__(self, step: str, problems: list[str]) -> None:
        self.step = step
        self.problems = problems
        super().__init__(f"{step} failed with {len(problems)} problem(s)")


#: What ``check`` returns: the schema, the compiled data, the SHACL findings, the states graph.
Checked = tuple[Schema, Compilation, list[Violation], Graph]


@dataclass
class Prepared:
    """The named graphs of a build, ready to load, and what was found on the way."""

    graphs: dict[URIRef, Graph]
    compilation: Compilation
    violations: list[Violation]
    timings: dict[str, float] = field(default_factory=dict)
    checked: Checked | None = None


def _quiet(_message: str) -> None:
    return None


def _timed(timings: dict[str, float], step: str, progress: Progress) -> Callable[[], None]:
    progress(f"{step} ...")
    start = time.perf_counter()

    def done() -> None:
        timings[step] = time.perf_counter() - start

    return done


def check(paths: ProjectPaths, progress: Progress = _quiet) -> Checked:
    """Compile and validate without building: what ``alliance-graph validate`` runs."""
    schema = Schema.load(paths)
    compilation = compile_files(schema, paths.data_files())
    if compilation.errors:
        raise BuildError("compile", [str(e) for e in compilation.errors])
    states = states_graph()
    progress(f"compiled {len(compilation.files)} data file(s); validating with SHACL")
    shapes = parse_turtle(paths.shapes_file)
    try:
        violations = run_shacl(data_view(compilation, schema.combined(), states), shapes, compilation)
    except ShapesError as exc:
        raise BuildError("validate", [str(exc)]) from None
    errors = [v for v in violations if v.severity == "Violation"]
    if errors:
        raise BuildError("validate", [str(v) for v in errors])
    return schema, compilation, violations, states


def prepare(paths: ProjectPaths, progress: Progress = _quiet) -> Prepared:
    """Every named graph of a build, computed in memory."""
    timings: dict[str, float] = {}
    done = _timed(timings, "compile and validate", progress)
    checked = check(paths, progress)
    schema, compilation, violations, states = checked
    done()
    graphs: dict[URIRef, Graph] = {GRAPH_ONTOLOGY: schema.combined(), GRAPH_STATES: states}
    for compiled in compilation.files:
        graphs[data_graph(compiled.stem)] = compiled.graph
    mappings = compilation.mappings
    if paths.mappings_file.is_file():
        mappings += parse_turtle(paths.mappings_file)
    graphs[GRAPH_MAPPINGS] = mappings
    done = _timed(timings, "infer", progress)
    graphs[GRAPH_INFERRED] = infer([graphs[GRAPH_ONTOLOGY], states, *(c.graph for c in compilation.files)])
    done()
    progress(f"inferred {len(graphs[GRAPH_INFERRED])} triples")
    graphs[GRAPH_NAMES] = name_keys_graph(graphs.values())
    graphs[GRAPH_META] = _build_metadata(schema, graphs)
    return Prepared(graphs, compilation, violations, timings, checked)


def _build_metadata(schema: Schema, graphs: dict[URIRef, Graph]) -> Graph:
    meta = Graph()
    node = GRAPH_META
    meta.add((node, RDF.type, AG.Build))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    meta.add((node, DCTERMS.created, Literal(now.isoformat(), datatype=XSD.dateTime)))
    meta.add((node, AG.ontologyVersion, Literal(schema.version)))
    meta.add((node, AG.softwareVersion, Literal(__version__)))
    # The count includes this graph itself (its triples so far and the count triple), so that it is
    # the number of triples the store holds, as /healthz reports it.
    total = sum(len(g) for g in graphs.values()) + len(meta) + 1
    meta.add((node, AG.tripleCount, Literal(total)))
    return meta


def load(store: Store, prepared: Prepared, progress: Progress = _quiet) -> None:
    """Write every named graph of a prepared build into ``store``."""
    for name, graph in prepared.graphs.items():
        store.load_graph(name, graph)
    progress(f"loaded {len(store)} triples in {len(prepared.graphs)} named graphs")


def build_on_disk(paths: ProjectPaths, progress: Progress = _quiet) -> tuple[Path, Prepared]:
    """Build into a fresh Oxigraph directory and swap it in; the old store survives failures."""
    prepared = prepare(paths, progress)
    location = StoreLocation(paths.var_dir)
    target = location.new_build_dir()
    done = _timed(prepared.timings, "load", progress)
    try:
        store = OxigraphStore(target)
        try:
            load(store, prepared, progress)
            expected = sum(len(g) for g in prepared.graphs.values())
            if len(store) != expected:
                raise BuildError("load", [f"store holds {len(store)} triples, expected {expected}"])
        finally:
            store.close()
        location.activate(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    done()
    return target, prepared


def build_in_memory(paths: ProjectPaths, progress: Progress = _quiet) -> tuple[MemoryStore, Prepared]:
    """Build into rdflib's memory store (the ``memory`` backend, and small tests)."""
    prepared = prepare(paths, progress)
    store = MemoryStore()
    load(store, prepared, progress)
    return store, prepared


def build_remote(paths: ProjectPaths, spec: str, progress: Progress = _quiet) -> tuple[RemoteStore, Prepared]:
    """Build into a remote SPARQL server; its graphs are swapped in by one update request."""
    prepared = prepare(paths, progress)
    store = RemoteStore(spec)
    done = _timed(prepared.timings, "load", progress)
    store.replace_all(prepared.graphs)
    done()
    progress(f"loaded {len(prepared.graphs)} named graphs into {spec}")
    return store, prepared
