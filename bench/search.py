"""``python -m bench.search``: name-search latency (p50/p99) and accuracy, curated and synthetic.

The curated row uses the graph of data/ as built (``var/current``) and the labelled variants of
``tests/fixtures/names/variants.tsv``. The synthetic row adds seeded institution names in Latin,
Cyrillic and Chinese script, as many as a graph of the given triple count would hold (one named
entity per 20 triples, as in the curated graph), and queries them exactly, with one typo, and in
another script. Latency is per query, in one process, after the index is built (its build time
is reported apart).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from alliance_graph.names.collect import load_index
from alliance_graph.names.index import Entity, Name, NameIndex
from alliance_graph.namespaces import shorten
from alliance_graph.paths import ProjectPaths
from alliance_graph.store import open_current

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ROOT / "tests" / "fixtures" / "names" / "variants.tsv"
LATIN = ["sber", "tech", "nova", "rus", "sino", "gazi", "volga", "lotus", "delta", "quant", "neuro", "orbit"]
CYRILLIC = {"sber": "сбер", "tech": "тех", "nova": "нова", "rus": "рус", "volga": "волга", "delta": "дельта"}
HAN = ["华", "中", "科", "智", "芯", "云", "海", "星"]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _time(index: NameIndex, queries: list[str], rounds: int = 3) -> list[float]:
    samples = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            index.search(query, limit=5)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def curated() -> tuple[NameIndex, dict[str, float]]:
    store = open_current(ProjectPaths(ROOT).var_dir)
    start = time.perf_counter()
    index = load_index(store)
    built = (time.perf_counter() - start) * 1000
    rows = [line.split("\t") for line in VARIANTS.read_text().splitlines() if line and not line.startswith("#")]
    top1 = top5 = 0
    for name, expected, _why in rows:
        found = [shorten(m.entity.iri) for m in index.search(name, limit=5)]
        top1 += bool(found) and found[0] == expected
        top5 += expected in found
    p50, p99 = _percentiles(_time(index, [r[0] for r in rows]))
    return index, {"names": len(index), "build_ms": built, "p50": p50, "p99": p99,
                   "top1": top1 / len(rows), "top5": top5 / len(rows)}  # fmt: skip


def synthetic(base: NameIndex, triples: int, seed: int = 7) -> dict[str, float]:
    rng = random.Random(seed)
    entities = list(base.entities.values())
    names = [Name(e.iri, e.label, "en", "label") for e in entities]
    asked: list[tuple[str, str]] = []
    for n in range(triples // 20):
        iri = f"https://w3id.org/alliance-graph/id/institution/syn-{n}"
        parts = rng.sample(LATIN, 2)
        latin = f"{parts[0].title()}{parts[1]} {rng.choice(['Group', 'Labs', 'Bank', 'AI'])} {n}"
        entities.append(Entity(iri, latin, "Institution"))
        names.append(Name(iri, latin, "en", "label"))
        if parts[0] in CYRILLIC:
            names.append(Name(iri, f"{CYRILLIC[parts[0]]}{parts[1]} {n}", "ru", "altLabel"))
        names.append(Name(iri, "".join(rng.sample(HAN, 3)) + str(n), "zh", "altLabel"))
        if rng.random() < 0.002:
            typo = latin[:3] + latin[4] + latin[3] + latin[5:]
            asked += [(latin, iri), (typo, iri)]
    start = time.perf_counter()
    index = NameIndex.of(entities, names)
    built = (time.perf_counter() - start) * 1000
    top1 = sum(bool(found) and found[0].entity.iri == iri for q, iri in asked for found in [index.search(q, limit=1)])
    p50, p99 = _percentiles(_time(index, [q for q, _ in asked], rounds=2))
    return {"names": len(index), "build_ms": built, "p50": p50, "p99": p99, "top1": top1 / max(1, len(asked)),
            "top5": float("nan")}  # fmt: skip


def main() -> None:
    scales = [int(s) for s in (sys.argv[1:] or ["100000", "1000000"])]
    base, row = curated()
    table = [("curated", row)] + [(f"synthetic {s:,} triples", synthetic(base, s)) for s in scales]
    print(f"{'graph':28} {'names':>8} {'index build ms':>15} {'p50 ms':>8} {'p99 ms':>8} {'top-1':>6} {'top-5':>6}")
    for name, r in table:
        top5 = "-" if r["top5"] != r["top5"] else f"{r['top5']:.1%}"  # NaN: the synthetic set asks top-1 only
        print(f"{name:28} {r['names']:>8,.0f} {r['build_ms']:>15,.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} "
              f"{r['top1']:>6.1%} {top5:>6}")  # fmt: skip


if __name__ == "__main__":
    main()
