"""Before and after a rewrite of the named questions, interleaved, on one store.

    git show REV:queries/NAME.rq > OLD/NAME.rq ...  (the questions as they were)
    python -m bench.rewrites STORE_DIR OLD_DIR RUNS [QUESTION ...]

For each question both versions run alternately (so a slow minute of a shared machine falls on
both), on their first page as the service asks it (synthetic defaults, as of 2025-06-01; the
questions' own defaults with BENCH_CURATED=1); it prints both medians and whether the whole
answers (without LIMIT) are the same multiset of rows (space-separated lists compared as sets)
and the first pages the same rows in the same order ("same rows": ties now broken in another
order). A difference of whole answers prints WRONG and exits 1.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from alliance_graph.queries import NamedQuery, load_catalogue, paged_text
from alliance_graph.store import OxigraphStore
from bench.__main__ import AS_OF, ROOT, SYNTHETIC_PARAMS
from bench.rowsets import CURATED, LISTS

#: BENCH_WHOLE=0: compare first pages only (whole answers at 1M cost minutes).
WHOLE = os.environ.get("BENCH_WHOLE", "1") != "0"


def _params(name: str, query: NamedQuery) -> dict[str, Any]:
    params: dict[str, Any] = {p.name: AS_OF for p in query.parameters if p.type == "date" and p.name != "from"}
    if not CURATED:
        params.update(SYNTHETIC_PARAMS.get(name, {}))
    return params


def _rows(store: OxigraphStore, text: str) -> list[tuple[str, ...]]:
    answer = store.query(text)
    variables = [str(v) for v in answer.variables]
    return [
        tuple(
            "" if value is None else " ".join(sorted(str(value).split())) if var in LISTS else str(value)
            for var, value in zip(variables, row, strict=True)
        )
        for row in answer.rows
    ]


def main(store_dir: Path, old_dir: Path, runs: int, only: list[str]) -> bool:
    store = OxigraphStore(store_dir, read_only=True)
    after = load_catalogue(ROOT / "queries")
    before = load_catalogue(old_dir)
    same = True
    print("question | rows | before ms | after ms | x | whole answer | first page")
    print("--- | --- | --- | --- | --- | --- | ---")
    for name in sorted(after):
        if (only and name not in only) or name not in before:
            continue
        params = _params(name, after[name])
        texts = [paged_text(store, q[name], params, 100, 0)[0] for q in (before, after)]
        wholes = [paged_text(store, q[name], params, 1_000_000, 0)[0] for q in (before, after)]
        times: list[list[float]] = [[], []]
        pages: list[list[tuple[str, ...]]] = [[], []]
        for _ in range(runs):
            for i, text in enumerate(texts):
                started = time.perf_counter()
                pages[i] = _rows(store, text)
                times[i].append((time.perf_counter() - started) * 1000)
        whole = WHOLE and sorted(_rows(store, wholes[0])) == sorted(_rows(store, wholes[1]))
        page = pages[0] == pages[1]
        page_set = sorted(pages[0]) == sorted(pages[1])
        same = same and (whole or not WHOLE)
        b, a = statistics.median(times[0]), statistics.median(times[1])
        verdict = ("same" if whole else "WRONG") if WHOLE else "not compared"
        print(
            f"{name} | {len(pages[1])} | {b:.1f} | {a:.1f} | {b / max(a, 0.001):.1f} | "
            f"{verdict} | {'same' if page else 'same rows' if page_set else 'other ties'}"
        )
        sys.stdout.flush()
    store.close()
    return same


if __name__ == "__main__":
    ok = main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
    sys.exit(0 if ok else 1)
