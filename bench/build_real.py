"""The real build path (SHACL, inference, name keys, load) on the curated data copied to any size.

python -m bench.build_real TRIPLES  → prints a JSON line: per-stage seconds and peak memory

The synthetic graph of ``bench/synthetic.py`` is N-Triples written past the compiler and does not
conform to the shapes, so SHACL would time a flood of violations instead of a build. Here the
curated data is compiled once and its compiled graphs are copied until the graph holds about
``TRIPLES`` triples: copy ``k`` (in the same file, so the store has
the curated graph's named graphs) renames every node the data files define (records, documents,
citations, publishers, former names) with a ``-xk`` suffix and keeps the shared nodes (states,
technologies, roles, tiers, kinds, the ontology). Each copy is as valid, as dense in facts per
state and as rich in inferences as the curated graph, so every stage after compilation works as
hard per triple as on the real data. Compilation itself is timed on the real files only (it is
per record Python, linear in records); the line reports its rate.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from alliance_graph.build import DataView, Prepared, assemble, compile_project, install, validate_compiled
from alliance_graph.compile import Compilation, CompiledFile
from alliance_graph.paths import ProjectPaths

ROOT = Path(__file__).resolve().parents[1]


def _renamer(defined: set[URIRef], copy: int) -> dict[Node, Node]:
    return {iri: URIRef(f"{iri}-x{copy}") for iri in defined}


def replicate(compilation: Compilation, shared: Graph, copies: int) -> Compilation:
    """Each compiled file holding ``copies`` copies of itself, the data-defined nodes renamed in each."""
    defined = {s for c in compilation.files for s in c.graph.subjects() if isinstance(s, URIRef)}
    defined -= {s for s in shared.subjects() if isinstance(s, URIRef)}
    files: list[CompiledFile] = []
    for compiled in compilation.files:
        graph = Graph()
        graph += compiled.graph
        records = dict(compiled.records)
        for copy in range(1, copies):
            rename = _renamer(defined, copy)
            for s, p, o in compiled.graph:
                graph.add((rename.get(s, s), p, rename.get(o, o)))
            records.update({URIRef(f"{iri}-x{copy}"): rid for iri, rid in compiled.records.items()})
        files.append(CompiledFile(compiled.stem, compiled.path, graph, records))
    return Compilation(files, compilation.mappings, [])


def main(target: int) -> dict[str, float]:
    paths = ProjectPaths(ROOT)
    started = time.perf_counter()
    schema, compilation, states = compile_project(paths)
    compile_s = time.perf_counter() - started
    curated = sum(len(c.graph) for c in compilation.files)
    copies = max(1, round(target / curated))
    shared = schema.combined() + states
    big = replicate(compilation, shared, copies)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = ProjectPaths(ROOT, Path(tmp))
        timings: dict[str, float] = {}
        begun, cpu = time.perf_counter(), time.process_time()
        view = DataView.of(schema, big, states)
        timings["parse"], timings["parse (cpu)"] = time.perf_counter() - begun, time.process_time() - cpu
        violations = validate_compiled(scratch, view, big)
        timings["validate"] = time.perf_counter() - begun - timings["parse"]
        timings["validate (cpu)"] = time.process_time() - cpu - timings["parse (cpu)"]
        prepared: Prepared = assemble(scratch, (schema, big, violations, states), view, timings)
        install(scratch, prepared)
        total, total_cpu = time.perf_counter() - begun, time.process_time() - cpu
    result: dict[str, float] = {
        "copies": copies,
        "data_triples": curated * copies,
        "store_triples": prepared.triple_count,
        "compile_curated_s": compile_s,
        "compile_rate_triples_per_s": curated / compile_s,
        **{f"{k.replace(' (cpu)', '_cpu').replace(' ', '_')}_s": v for k, v in timings.items()},
        "build_after_compile_s": total,
        "build_after_compile_cpu_s": total_cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    return result


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
