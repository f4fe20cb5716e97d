"""Build one synthetic store on disk (run as a child process so its peak memory can be read).

python -m bench.build_one SCALE DIRECTORY  → prints a JSON line of timings
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from alliance_graph.infer import derive
from alliance_graph.namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_STATES, data_graph
from alliance_graph.ontology import Schema
from alliance_graph.paths import ProjectPaths
from alliance_graph.states import states_graph
from bench.synthetic import triples

ROOT = Path(__file__).resolve().parents[1]


def main(scale: int, directory: Path) -> dict[str, float]:
    started = time.perf_counter()
    data = "\n".join(triples(scale)).encode()
    schema = Schema.load(ProjectPaths(ROOT))
    ontology = schema.combined().serialize(format="nt", encoding="utf-8")
    states = states_graph().serialize(format="nt", encoding="utf-8")
    generated = time.perf_counter()
    memory = ox.Store()
    for chunk in (ontology, states, data):
        memory.bulk_load(chunk, format=ox.RdfFormat.N_TRIPLES)
    inferred = derive(memory)
    derived = time.perf_counter()
    store = ox.Store(str(directory))
    for name, chunk in ((GRAPH_ONTOLOGY, ontology), (GRAPH_STATES, states), (data_graph("synthetic"), data)):
        store.bulk_load(chunk, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(str(GRAPH_INFERRED))) for t in inferred)
    store.flush()
    loaded = time.perf_counter()
    return {
        "triples": len(store),
        "generate_s": generated - started,
        "infer_s": derived - generated,
        "load_s": loaded - derived,
        "build_s": loaded - generated,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), Path(sys.argv[2]))))
