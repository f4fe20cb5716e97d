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

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from . import __version__
from .compile import Compilation, compile_files
from .infer import infer_store, triples_graph
from .names.keys import NAME_PREDICATES, name_keys_graph
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
from .validate import ShapesError, Violation, validate_store

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
    #: N-Triples of the graphs serialised on the way (each is serialised once; loading reuses it).
    ntriples: dict[URIRef, bytes] = field(default_factory=dict)
    #: The rules' triples, kept as Oxigraph terms (N-Triples in ``ntriples``): at a million triples
    #: an rdflib graph of them would cost more than the rest of the build after compiling.
    inferred: set[ox.Triple] = field(default_factory=set)

    @property
    def triple_count(self) -> int:
        """How many triples the build loads, over every named graph."""
        return sum(len(g) for g in self.graphs.values()) + len(self.inferred)

    def rdf_graphs(self) -> dict[URIRef, Graph]:
        """Every named graph as rdflib graphs (for the backends that take rdflib graphs)."""
        return {**self.graphs, GRAPH_INFERRED: triples_graph(self.ntriples.get(GRAPH_INFERRED, b""))}


@dataclass
class DataView:
    """The graphs SHACL and the rules read (ontology, states, data files), each serialised once
    to N-Triples and parsed by Oxigraph into the default graph of one in-memory store."""

    store: ox.Store
    ntriples: dict[URIRef, bytes]

    @classmethod
    def of(cls, schema: Schema, compilation: Compilation, states: Graph) -> DataView:
        parts = {GRAPH_ONTOLOGY: schema.combined(), GRAPH_STATES: states}
        parts.update({data_graph(c.stem): c.graph for c in compilation.files})
        store = ox.Store()
        ntriples = {}
        for name, graph in parts.items():
            ntriples[name] = graph.serialize(format="nt", encoding="utf-8")
            store.bulk_load(ntriples[name], format=ox.RdfFormat.N_TRIPLES)
        return cls(store, ntriples)


def _quiet(_message: str) -> None:
    return None


def _timed(timings: dict[str, float], step: str, progress: Progress) -> Callable[[], None]:
    progress(f"{step} ...")
    start, cpu = time.perf_counter(), time.process_time()

    def done() -> None:
        timings[step] = time.perf_counter() - start
        timings[f"{step} (cpu)"] = time.process_time() - cpu  # what a shared machine's load leaves out

    return done


def compile_project(paths: ProjectPaths) -> tuple[Schema, Compilation, Graph]:
    """The schema, the compiled data files and the states graph; compile errors stop here."""
    schema = Schema.load(paths)
    compilation = compile_files(schema, paths.data_files())
    if compilation.errors:
        raise BuildError("compile", [str(e) for e in compilation.errors])
    return schema, compilation, states_graph()


def validate_compiled(paths: ProjectPaths, view: DataView, compilation: Compilation) -> list[Violation]:
    """The SHACL findings of compiled data; any of severity Violation stops the build."""
    shapes = parse_turtle(paths.shapes_file)
    try:
        violations = validate_store(view.store, shapes, compilation)
    except ShapesError as exc:
        raise BuildError("validate", [str(exc)]) from None
    errors = [v for v in violations if v.severity == "Violation"]
    if errors:
        raise BuildError("validate", [str(v) for v in errors])
    return violations


def check(paths: ProjectPaths, progress: Progress = _quiet) -> Checked:
    """Compile and validate without building: what ``alliance-graph validate`` runs."""
    schema, compilation, states = compile_project(paths)
    progress(f"compiled {len(compilation.files)} data file(s); validating with SHACL")
    violations = validate_compiled(paths, DataView.of(schema, compilation, states), compilation)
    return schema, compilation, violations, states


def prepare(paths: ProjectPaths, progress: Progress = _quiet) -> Prepared:
    """Every named graph of a build, computed in memory."""
    timings: dict[str, float] = {}
    done = _timed(timings, "compile", progress)
    schema, compilation, states = compile_project(paths)
    done()
    progress(f"compiled {len(compilation.files)} data file(s); validating with SHACL")
    done = _timed(timings, "parse", progress)
    view = DataView.of(schema, compilation, states)
    done()
    done = _timed(timings, "validate", progress)
    violations = validate_compiled(paths, view, compilation)
    done()
    return assemble(paths, (schema, compilation, violations, states), view, timings, progress)


def assemble(
    paths: ProjectPaths, checked: Checked, view: DataView, timings: dict[str, float], progress: Progress = _quiet
) -> Prepared:
    """The named graphs of a build from compiled, validated data: inference, name keys, metadata.
    The rules run in ``view``'s store, which then holds their triples too."""
    schema, compilation, violations, states = checked
    graphs: dict[URIRef, Graph] = {GRAPH_ONTOLOGY: schema.combined(), GRAPH_STATES: states}
    for compiled in compilation.files:
        graphs[data_graph(compiled.stem)] = compiled.graph
    mappings = compilation.mappings
    if paths.mappings_file.is_file():
        mappings += parse_turtle(paths.mappings_file)
    graphs[GRAPH_MAPPINGS] = mappings
    done = _timed(timings, "infer", progress)
    inferred = infer_store(view.store)
    ntriples = {**view.ntriples, GRAPH_INFERRED: ox.serialize(inferred, format=ox.RdfFormat.N_TRIPLES) or b""}
    done()
    progress(f"inferred {len(inferred)} triples")
    done = _timed(timings, "names and metadata", progress)
    named = [t for t in inferred if t.predicate.value in NAME_PREDICATES]
    graphs[GRAPH_NAMES] = name_keys_graph(
        [*graphs.values(), triples_graph(ox.serialize(named, format=ox.RdfFormat.N_TRIPLES) or b"")]
    )
    graphs[GRAPH_META] = _build_metadata(schema, sum(len(g) for g in graphs.values()) + len(inferred))
    done()
    return Prepared(graphs, compilation, violations, timings, checked, ntriples, inferred)


def _build_metadata(schema: Schema, triples: int) -> Graph:
    meta = Graph()
    node = GRAPH_META
    meta.add((node, RDF.type, AG.Build))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    meta.add((node, DCTERMS.created, Literal(now.isoformat(), datatype=XSD.dateTime)))
    meta.add((node, AG.ontologyVersion, Literal(schema.version)))
    meta.add((node, AG.softwareVersion, Literal(__version__)))
    # The count includes this graph itself (its triples so far and the count triple), so that it is
    # the number of triples the store holds, as /healthz reports it.
    total = triples + len(meta) + 1
    meta.add((node, AG.tripleCount, Literal(total)))
    return meta


def load(store: Store, prepared: Prepared, progress: Progress = _quiet) -> None:
    """Write every named graph of a prepared build into ``store``."""
    if isinstance(store, OxigraphStore):
        for name, graph in prepared.graphs.items():
            store.load_ntriples(name, prepared.ntriples.get(name) or graph.serialize(format="nt", encoding="utf-8"))
        store.load_ntriples(GRAPH_INFERRED, prepared.ntriples.get(GRAPH_INFERRED, b""))
    else:
        for name, graph in prepared.rdf_graphs().items():
            store.load_graph(name, graph)
    progress(f"loaded {len(store)} triples in {len(prepared.graphs) + 1} named graphs")


def build_on_disk(paths: ProjectPaths, progress: Progress = _quiet) -> tuple[Path, Prepared]:
    """Build into a fresh Oxigraph directory and swap it in; the old store survives failures."""
    prepared = prepare(paths, progress)
    return install(paths, prepared, progress), prepared


def install(paths: ProjectPaths, prepared: Prepared, progress: Progress = _quiet) -> Path:
    """Load a prepared build into a fresh store directory, verify it, and swap it in."""
    location = StoreLocation(paths.var_dir)
    target = location.new_build_dir()
    done = _timed(prepared.timings, "load", progress)
    try:
        store = OxigraphStore(target)
        try:
            load(store, prepared, progress)
            expected = prepared.triple_count
            if len(store) != expected:
                raise BuildError("load", [f"store holds {len(store)} triples, expected {expected}"])
        finally:
            store.close()
        location.activate(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    done()
    return target


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
    store.replace_all(prepared.rdf_graphs())
    done()
    progress(f"loaded {len(prepared.graphs)} named graphs into {spec}")
    return store, prepared
