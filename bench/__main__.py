"""``make bench``: build time, peak memory and named-question latency per scale, side by side.

Scales come from ``BENCH_SCALES`` (default ``10000,100000,1000000``); the curated graph of data/ is
measured too. Results print as a table and go to ``bench/results/<date>.json``. Absolute times
vary on shared machines; compare rows of one run.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from alliance_graph.build import build_on_disk
from alliance_graph.paths import ProjectPaths
from alliance_graph.queries import load_catalogue, paged_text
from alliance_graph.remote import RemoteStore
from alliance_graph.store import MemoryStore, OxigraphStore, Store, StoreError, open_current

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2025-06-01"
#: The remote server and rdflib's memory store are measured up to these scales (rdflib's engine
#: needs seconds to minutes per question beyond 10k triples).
REMOTE_MAX_SCALE = int(os.environ.get("BENCH_REMOTE_MAX_SCALE", "100000"))
MEMORY_MAX_SCALE = int(os.environ.get("BENCH_MEMORY_MAX_SCALE", "10000"))
MEMORY_QUERY_TIMEOUT_S = 20.0
#: Parameters that exist in the synthetic graph where a question's default names a real entity.
SYNTHETIC_PARAMS: dict[str, dict[str, str]] = {
    "facts-about": {"subject": "inst:syn-0"},
    # every synthetic state is in every grouping: only the "possible" rows (partial lists) remain
    "members-outside": {"grouping": "alliance:syn-1", "certainty": "possible"},
    # state:RUS ranks second (one row); the last-ranked state has every other above it
    "ranked-above": {"state": "state:MYS"},
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_queries(store: Store, synthetic: bool, runs: int, only: str | None = None) -> dict[str, dict[str, float]]:
    catalogue = load_catalogue(ROOT / "queries")
    out: dict[str, dict[str, float]] = {}
    for name, query in catalogue.items():
        if only is not None and name != only:
            continue
        params: dict[str, Any] = {p.name: AS_OF for p in query.parameters if p.type == "date" and p.name != "from"}
        if synthetic:
            params.update(SYNTHETIC_PARAMS.get(name, {}))
        text, _ = paged_text(store, query, params, 100, 0)
        times = []
        rows = 0
        for _ in range(runs):
            started = time.perf_counter()
            rows = len(store.query(text).rows)
            times.append((time.perf_counter() - started) * 1000)
        out[name] = {"median_ms": statistics.median(times), "p95_ms": percentile(times, 0.95), "rows": rows}
    return out


def bench_synthetic(scale: int, runs: int) -> list[dict[str, Any]]:
    """The embedded store at ``scale``, then the same quads on the other backends."""
    entries = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "store"
        child = subprocess.run(
            [sys.executable, "-m", "bench.build_one", str(scale), str(directory)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        build = json.loads(child.stdout)
        store = OxigraphStore(directory, read_only=True)
        entries.append(
            {"scale": scale, "backend": "oxigraph", "build": build, "queries": time_queries(store, True, runs)}
        )
        quads = store.dump("nquads")
        store.close()
        if scale <= REMOTE_MAX_SCALE:
            entries.append(bench_remote(scale, quads, Path(tmp) / "server", runs))
        if scale <= MEMORY_MAX_SCALE:
            entries.append(bench_memory(scale, quads, max(1, runs // 5)))
    return entries


def bench_remote(scale: int, quads: bytes, location: Path, runs: int) -> dict[str, Any]:
    """The Oxigraph server from PyPI, loaded and queried through the remote backend."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "oxigraph"),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        store = RemoteStore(f"sparql+http://127.0.0.1:{port}/query", timeout=600)
        for _ in range(100):
            try:
                store.query("ASK {}")
                break
            except StoreError:
                time.sleep(0.1)
        started = time.perf_counter()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/store", data=quads, method="POST", headers={"Content-Type": "application/n-quads"}
        )
        urllib.request.urlopen(request, timeout=600).read()
        store = RemoteStore(store.location and f"sparql+{store.query_url}", timeout=600)  # a fresh graph list
        build = {"triples": len(store), "build_s": time.perf_counter() - started}
        return {"scale": scale, "backend": "remote server", "build": build, "queries": time_queries(store, True, runs)}
    finally:
        server.kill()
        server.wait(10)


def bench_memory(scale: int, quads: bytes, runs: int) -> dict[str, Any]:
    """rdflib's in-memory store (evaluated by rdflib's own SPARQL engine). Each question runs in a
    forked child that is killed after MEMORY_QUERY_TIMEOUT_S: rdflib cannot be interrupted."""
    started = time.perf_counter()
    store = MemoryStore()
    store.dataset.parse(data=quads, format="nquads")
    build = {"triples": len(store), "build_s": time.perf_counter() - started}
    context = multiprocessing.get_context("fork")
    queries: dict[str, dict[str, float]] = {}
    for name in load_catalogue(ROOT / "queries"):
        parent, child = context.Pipe()
        process = context.Process(target=_time_one, args=(child, store, name, runs))
        process.start()
        if parent.poll(MEMORY_QUERY_TIMEOUT_S):
            queries[name] = parent.recv()
        else:
            queries[name] = {"median_ms": float("inf"), "p95_ms": float("inf"), "rows": -1}
        process.kill()
        process.join()
    return {"scale": scale, "backend": "rdflib memory", "build": build, "queries": queries}


def _time_one(conn: Any, store: Store, name: str, runs: int) -> None:
    conn.send(time_queries(store, True, runs, only=name)[name])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_curated(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = ProjectPaths(ROOT, var=Path(tmp))
        started = time.perf_counter()
        _path, prepared = build_on_disk(paths)
        build = {
            "build_s": time.perf_counter() - started,
            **{f"{k}_s": v for k, v in prepared.timings.items()},
        }
        store = open_current(Path(tmp))
        build["triples"] = len(store)
        queries = time_queries(store, False, runs)
        store.close()
    return {"scale": "curated", "backend": "oxigraph", "build": build, "queries": queries}


def _cell(timing: dict[str, float]) -> str:
    if timing["median_ms"] == float("inf"):
        return f"> {MEMORY_QUERY_TIMEOUT_S:.0f} s"
    return f"{timing['median_ms']:.1f} / {timing['p95_ms']:.1f}"


def table(results: list[dict[str, Any]]) -> str:
    names = sorted(results[0]["queries"])
    header = ["question"] + [f"{r['scale']} {r['backend']} ({r['build']['triples']:,} t)" for r in results]
    lines = [" | ".join(header), " | ".join("---" for _ in header)]
    lines.append(" | ".join(["build (s)"] + [f"{r['build']['build_s']:.2f}" for r in results]))
    lines.append(
        " | ".join(["peak memory (MB)"] + [f"{r['build'].get('peak_rss_mb', float('nan')):.0f}" for r in results])
    )
    embedded_rows = {r["scale"]: r["queries"] for r in results if r["backend"] == "oxigraph"}
    for name in names:
        cells = []
        for r in results:
            timing = r["queries"][name]
            cell = f"{_cell(timing)} ({timing['rows']:.0f} rows)" if timing["rows"] >= 0 else _cell(timing)
            expected = embedded_rows[r["scale"]][name]["rows"]
            if timing["rows"] >= 0 and timing["rows"] != expected:
                cell += f" WRONG ({expected:.0f} on the embedded store)"
            cells.append(cell)
        lines.append(" | ".join([name + " (median / p95 ms)", *cells]))
    embedded = [r for r in results if r["backend"] == "oxigraph"]
    first, last = embedded[0], embedded[-1]
    ratios = [last["queries"][n]["median_ms"] / max(first["queries"][n]["median_ms"], 0.001) for n in names]
    lines.append(f"\nslowest growth on the embedded store, {first['scale']} -> {last['scale']}: {max(ratios):.0f}x")
    return "\n".join(lines)


def main() -> None:
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "10000,100000,1000000").split(",") if s]
    runs = int(os.environ.get("BENCH_RUNS", "15"))
    results = [bench_curated(runs)]
    for scale in scales:
        print(f"building and querying {scale:,} synthetic triples ...", file=sys.stderr)
        results.extend(bench_synthetic(scale, runs if scale < 1_000_000 else max(3, runs // 3)))
    report = table(results)
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    meta = {
        "date": stamp,
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    (out / f"{stamp}.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print(f"\nwritten bench/results/{stamp}.json", file=sys.stderr)


if __name__ == "__main__":
    main()
