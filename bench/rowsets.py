"""Row sets and cold medians of every named question on one store, to compare a rewrite.

    python -m bench.rowsets STORE_DIR OUT.json [RUNS] [QUESTION ...]
    python -m bench.rowsets --compare BEFORE.json AFTER.json

The first form runs each question (defaults as the bench asks them, as of 2025-06-01, one page of
100 rows) on the embedded store and writes its rows (as sorted N-Triples-like strings, in page
order too) and its median time; the second says, per question, whether two runs returned the same
page (same rows, same order), the same set, or differ (WRONG), and how the medians compare.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from alliance_graph.queries import load_catalogue, paged_text
from alliance_graph.store import OxigraphStore
from bench.__main__ import AS_OF, ROOT, SYNTHETIC_PARAMS

#: BENCH_CURATED=1: the questions' own defaults (for the real graph), not the synthetic ones.
CURATED = os.environ.get("BENCH_CURATED") == "1"
#: The variables that name a row's content (evidence lists and sources are compared too).
Row = list[str]


#: Space-separated lists whose order is the engine's (GROUP_CONCAT): compared as sets.
LISTS = {"sources", "facts"}
#: BENCH_PAGE: rows per page (a large one compares whole answers, not only first pages).
PAGE = int(os.environ.get("BENCH_PAGE", "100"))


def _row(variables: list[str], row: dict[str, Any]) -> Row:
    return [
        f"{v}={' '.join(sorted(str(row[v]).split())) if v in LISTS and v in row else row.get(v)}" for v in variables
    ]


def measure(directory: Path, runs: int, only: list[str]) -> dict[str, Any]:
    store = OxigraphStore(directory, read_only=True)
    out: dict[str, Any] = {}
    for name, query in load_catalogue(ROOT / "queries").items():
        if only and name not in only:
            continue
        params: dict[str, Any] = {p.name: AS_OF for p in query.parameters if p.type == "date" and p.name != "from"}
        if not CURATED:
            params.update(SYNTHETIC_PARAMS.get(name, {}))
        text, _ = paged_text(store, query, params, PAGE, 0)
        times = []
        answer = None
        for _ in range(runs):
            started = time.perf_counter()
            answer = store.query(text)
            times.append((time.perf_counter() - started) * 1000)
        assert answer is not None
        variables = [str(v) for v in answer.variables]
        rows = [_row(variables, {str(k): str(v) for k, v in r.items()}) for r in _dicts(answer)]
        out[name] = {"median_ms": statistics.median(times), "rows": rows}
        print(f"{name}: {len(rows)} rows, median {statistics.median(times):.1f} ms", file=sys.stderr)
    store.close()
    return out


def _dicts(answer: Any) -> list[dict[str, Any]]:
    variables = [str(v) for v in answer.variables]
    return [{v: row[i] for i, v in enumerate(variables) if row[i] is not None} for row in answer.rows]


def compare(before: dict[str, Any], after: dict[str, Any]) -> bool:
    same = True
    for name in sorted(set(before) & set(after)):
        b, a = before[name], after[name]
        if a["rows"] == b["rows"]:
            verdict = "same page"
        elif sorted(map(tuple, a["rows"])) == sorted(map(tuple, b["rows"])):
            verdict = "same rows, other order"
        else:
            verdict = "WRONG"
            same = False
        print(
            f"{name:32} {len(b['rows']):4} -> {len(a['rows']):4} rows  {verdict:24} "
            f"{b['median_ms']:8.1f} -> {a['median_ms']:8.1f} ms"
        )
    return same


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        ok = compare(json.loads(Path(sys.argv[2]).read_text()), json.loads(Path(sys.argv[3]).read_text()))
        sys.exit(0 if ok else 1)
    result = measure(Path(sys.argv[1]), int(sys.argv[3]) if len(sys.argv) > 3 else 5, sys.argv[4:])
    Path(sys.argv[2]).write_text(json.dumps(result))
