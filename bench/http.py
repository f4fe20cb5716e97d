"""The service against its peers over HTTP: the same SPARQL on the same data, interleaved, cold and warm.

    python -m bench.http     (BENCH_HTTP_SCALES=100000,1000000  BENCH_HTTP_RUNS=5  BENCH_HTTP_QUESTIONS=a,b)
    BENCH_HTTP_STORE_1000000=DIR python -m bench.http   (a store bench.build_one built, not rebuilt)

For each scale a synthetic graph (bench/synthetic.py) is built once; the same store (or its N-Quads)
is served by

* the service twice: *cold* (``ALLIANCE_GRAPH_ANSWER_CACHE=off``: every request is computed by a
  query worker reading the published checkpoint on disk) and *warm* (the answer cache on, so a
  repeated request is a cache hit: that is what the warm column measures, and says so);
* a bare FastAPI handler over pyoxigraph, once on the store on disk (read-only, like the service's
  workers) and once on an in-memory copy;
* the Oxigraph server (``serve-read-only``, union default graph);
* Virtuoso where ``virtuoso-t`` is installed (Debian ``virtuoso-opensource``): a private server
  bulk-loaded with the same N-Quads (bench/virtuoso.py; its load time is printed); otherwise
  skipped with the reason printed.

Every named question is asked as the SPARQL text the service runs for it (defaults as of
2025-06-01, first page of 100 rows) on each server's SPARQL endpoint, and as the named question
itself (``/queries/NAME``: parameters, class checks, evidence, rendering) on the two services.
Requests go one at a time from this process, interleaved: each round asks every question of every
server, in an order that rotates per round, so a slow minute of the shared machine falls on all
cells alike. One untimed round first (it also fills the warm cache). Every answer's row count is
compared with the bare in-memory handler's (a named page with the first 100 of them); a mismatch
prints WRONG. Cells are median ms and the ratio to the bare handler on disk.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from alliance_graph.namespaces import sparql_prefix_block
from alliance_graph.queries import load_catalogue, paged_text
from alliance_graph.store import OxigraphStore
from bench import virtuoso
from bench.__main__ import AS_OF, SYNTHETIC_PARAMS

ROOT = Path(__file__).resolve().parents[1]
PAGE = 100
TIMEOUT_S = 120.0
#: BENCH_HTTP_CELL_BUDGET: a cell whose untimed first request took longer is measured by that one
#: request (marked "1 run"), so one slow question at 1M cannot take the run's whole time.
CELL_BUDGET_S = float(os.environ.get("BENCH_HTTP_CELL_BUDGET", "8"))
JSON_ACCEPT = {"Accept": "application/sparql-results+json, application/json"}
SERVERS: tuple[str, ...] = (
    "service cold",
    "service warm",
    "bare FastAPI + pyoxigraph, disk",
    "bare FastAPI + pyoxigraph, memory",
    "oxigraph server",
)
#: why Virtuoso is not measured here, or None when it is (a column of its own)
VIRTUOSO_MISSING = virtuoso.missing()
if VIRTUOSO_MISSING is None:
    SERVERS = (*SERVERS, "virtuoso")
REFERENCE = "bare FastAPI + pyoxigraph, memory"
RATIO_BASE = "bare FastAPI + pyoxigraph, disk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up within {seconds:g} s")


@dataclass
class Cell:
    times: list[float] = field(default_factory=list)
    rows: int | None = None
    error: str | None = None


def rows_of(body: dict[str, Any]) -> int:
    if "results" in body:
        return len(body["results"]["bindings"])
    return len(body["rows"])


def build_scale(scale: int, tmp: Path) -> tuple[Path, Path]:
    """The synthetic store at ``scale`` (in a service var layout) and its N-Quads."""
    var = tmp / "var"
    store_dir = var / "stores" / f"synthetic-{scale}"
    store_dir.parent.mkdir(parents=True)
    prebuilt = os.environ.get(f"BENCH_HTTP_STORE_{scale}")
    if prebuilt:  # a store bench.build_one made before (the 1M build takes minutes)
        shutil.copytree(prebuilt, store_dir)
    else:
        child = subprocess.run(
            [sys.executable, "-m", "bench.build_one", str(scale), str(store_dir)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        print(f"  built: {child.stdout.strip()}", file=sys.stderr)
    (var / "current").symlink_to(store_dir)
    nquads = tmp / "graph.nq"
    store = OxigraphStore(store_dir, read_only=True)
    nquads.write_bytes(store.dump("nquads"))
    store.close()
    return var, nquads


def texts(var: Path, only: set[str]) -> dict[str, tuple[str, str]]:
    """Per question: the SPARQL the service runs for its first page, and the named question's path."""
    store = OxigraphStore(var / "current", read_only=True)
    out = {}
    for name, query in load_catalogue(ROOT / "queries").items():
        if only and name not in only:
            continue
        params: dict[str, Any] = {p.name: AS_OF for p in query.parameters if p.type == "date" and p.name != "from"}
        params.update(SYNTHETIC_PARAMS.get(name, {}))
        text, _ = paged_text(store, query, params, PAGE, 0)
        out[name] = (sparql_prefix_block() + text, f"/queries/{name}?{urllib.parse.urlencode(params)}")
    store.close()
    return out


def start_servers(
    var: Path, nquads: Path, tmp: Path
) -> tuple[dict[str, str], list[subprocess.Popen[bytes]], virtuoso.Virtuoso | None]:
    """Every server on its own port; the SPARQL endpoint URL of each (and Virtuoso's handle, if it runs)."""
    processes: list[subprocess.Popen[bytes]] = []
    endpoints: dict[str, str] = {}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    oxigraph = Path(sys.executable).parent / "oxigraph"
    server_dir = tmp / "oxigraph-server"
    subprocess.run(
        [str(oxigraph), "load", "--location", str(server_dir), "--file", str(nquads)], check=True, capture_output=True
    )
    warm_var = tmp / "var-warm"
    shutil.copytree(var, warm_var, symlinks=True)  # the writer of each service holds its store open
    (warm_var / "current").unlink()
    (warm_var / "current").symlink_to(warm_var / "stores" / next(iter((var / "stores").iterdir())).name)
    for name, folder, cache in (("service cold", var, "off"), ("service warm", warm_var, "on")):
        port = free_port()
        env = {
            **os.environ,
            "ALLIANCE_GRAPH_VAR": str(folder),
            "ALLIANCE_GRAPH_ANSWER_CACHE": cache,
            "ALLIANCE_GRAPH_QUERY_TIMEOUT": str(TIMEOUT_S),
            "ALLIANCE_GRAPH_READERS": "2",  # one request at a time: two workers, not eight copies
            "ALLIANCE_GRAPH_CLIENT_CONCURRENCY": "64",
            "ALLIANCE_GRAPH_MAX_ROWS": "100000",
        }
        cmd = [sys.executable, "-m", "alliance_graph", "serve", "--port", str(port)]
        processes.append(subprocess.Popen(cmd, env=env, cwd=ROOT, **quiet))  # type: ignore[call-overload]
        endpoints[name] = f"http://127.0.0.1:{port}"
    # the bare handler on disk opens the Oxigraph server's folder: two read-only openings are safe,
    # a read-only one beside the service's writer would not be
    for name, data in ((RATIO_BASE, server_dir), (REFERENCE, nquads)):
        port = free_port()
        cmd = [sys.executable, "-m", "bench.peers", "minimal", str(port), str(data.resolve())]
        processes.append(subprocess.Popen(cmd, cwd=ROOT, **quiet))  # type: ignore[call-overload]
        endpoints[name] = f"http://127.0.0.1:{port}"
    port = free_port()
    cmd = [
        str(oxigraph),
        "serve-read-only",
        "--location",
        str(server_dir),
        "--union-default-graph",
        "--bind",
        f"127.0.0.1:{port}",
    ]
    processes.append(subprocess.Popen(cmd, **quiet))  # type: ignore[call-overload]
    endpoints["oxigraph server"] = f"http://127.0.0.1:{port}"
    peer = None
    if "virtuoso" in SERVERS:
        peer = virtuoso.Virtuoso(tmp / "virtuoso", TIMEOUT_S)
        try:
            peer.start(nquads)
        finally:
            if peer.process is not None:
                processes.append(peer.process)
        size_mb = nquads.stat().st_size / 1e6
        print(f"  Virtuoso loaded {size_mb:.0f} MB of N-Quads in {peer.load_seconds:.1f} s", file=sys.stderr)
        endpoints["virtuoso"] = peer.endpoint
    for url in endpoints.values():
        wait(url + "/")
    return endpoints, processes, peer


def ask(
    client: httpx.Client, column: str, url: str, params: dict[str, str] | None, peer: virtuoso.Virtuoso | None
) -> httpx.Response:
    """One request, as each server wants it."""
    if column == "virtuoso /sparql":  # a form POST; an answer cut short at its time limit is a 504
        assert params is not None and peer is not None
        return peer.query(client, params["query"])
    if column == "oxigraph server /sparql":  # its GET refuses URLs over 8 kB
        assert params is not None
        headers = {**JSON_ACCEPT, "Content-Type": "application/sparql-query"}
        return client.post(url, content=params["query"].encode(), headers=headers)
    return client.get(url, params=params)


def sparql_url(server: str, base: str) -> str:
    return base + ("/query" if server == "oxigraph server" else "/sparql")


def measure(scale: int, runs: int, only: set[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        started = time.monotonic()
        var, nquads = build_scale(scale, tmp)
        questions = texts(var, only)
        endpoints, processes, peer = start_servers(var, nquads, tmp)
        print(f"  servers up after {time.monotonic() - started:.0f} s", file=sys.stderr)
        cases: list[tuple[str, str, str, dict[str, str] | None]] = []  # question, column, url, params
        for name, (sparql, path) in questions.items():
            for server in SERVERS:
                cases.append((name, f"{server} /sparql", sparql_url(server, endpoints[server]), {"query": sparql}))
            for server in ("service cold", "service warm"):
                cases.append((name, f"{server} /queries", endpoints[server] + path, None))
        cells: dict[tuple[str, str], Cell] = {(q, c): Cell() for q, c, _u, _p in cases}
        try:
            with httpx.Client(timeout=TIMEOUT_S, headers=JSON_ACCEPT) as client:
                for round_ in range(runs + 1):
                    shift = round_ % len(SERVERS)
                    ordered = sorted(cases, key=lambda c: (c[0], (hash_column(c[1]) + shift) % (len(SERVERS) + 2)))
                    for question, column, url, params in ordered:
                        cell = cells[(question, column)]
                        if cell.error is not None:
                            continue
                        began = time.perf_counter()
                        try:
                            response = ask(client, column, url, params, peer)
                        except httpx.HTTPError as exc:
                            cell.error = type(exc).__name__
                            continue
                        elapsed = (time.perf_counter() - began) * 1000
                        if response.status_code != 200:
                            cell.error = f"HTTP {response.status_code}"
                            continue
                        try:
                            cell.rows = rows_of(response.json())
                        except ValueError:
                            cell.error = "not JSON"
                            continue
                        if round_:  # the first round is untimed (it also fills the warm cache)
                            cell.times.append(elapsed)
                        elif elapsed > CELL_BUDGET_S * 1000 and "warm" not in column:  # warm: hits follow
                            cell.times.append(elapsed)
                            cell.error = "1 run"  # no more requests for this cell
                    print(f"  round {round_} done at {time.monotonic() - started:.0f} s", file=sys.stderr)
            memory = {name: rss_mb([p.pid]) for name, p in zip(SERVERS, processes, strict=True)}
        finally:
            for process in processes:
                process.kill()
                process.wait(10)
            if peer is not None:
                peer.stop()
        triples = sum(1 for line in nquads.read_bytes().splitlines() if line.strip())
    return {
        "scale": scale,
        "triples": triples,
        "seconds": time.monotonic() - started,
        "cells": cells,
        "memory_mb": memory,
        "virtuoso_load_s": peer.load_seconds if peer is not None else None,
    }


def rss_mb(pids: list[int]) -> float:
    """Resident memory of processes and their children (the service's workers), in MB."""
    total = 0
    for pid in pids:
        out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(pid), "-p", str(pid)], capture_output=True, text=True)
        total += sum(int(x) for x in out.stdout.split())
    return total / 1024


COLUMNS = [f"{s} /sparql" for s in SERVERS] + ["service cold /queries", "service warm /queries"]


def hash_column(column: str) -> int:
    return COLUMNS.index(column)


def verdict(cell: Cell, reference: Cell, named: bool) -> str:
    if cell.error == "1 run":
        return " (1 run)" + verdict(Cell(rows=cell.rows), reference, named)
    if cell.error is not None:
        return cell.error
    if reference.rows is None or cell.rows is None:
        return ""
    expected = min(reference.rows, PAGE) if named else reference.rows
    return "" if cell.rows == expected else f" WRONG ({cell.rows} rows, {expected} expected)"


def table(result: dict[str, Any]) -> str:
    cells: dict[tuple[str, str], Cell] = result["cells"]
    questions = sorted({q for q, _c in cells})
    head = ["question", "rows", *COLUMNS]
    lines = [
        f"### {result['scale']:,} synthetic triples ({result['triples']:,} quads served), "
        f"{result['seconds']:.0f} s for this scale",
        "",
        "median ms (x the bare handler on disk)",
        "",
        " | ".join(head),
        " | ".join("---" for _ in head),
    ]
    for question in questions:
        reference = cells[(question, f"{REFERENCE} /sparql")]
        base = cells[(question, f"{RATIO_BASE} /sparql")]
        base_ms = statistics.median(base.times) if base.times else None
        row = [question, str(reference.rows if reference.rows is not None else "?")]
        for column in COLUMNS:
            cell = cells[(question, column)]
            note = verdict(cell, reference, column.endswith("/queries"))
            if not cell.times:
                row.append(note or "–")
                continue
            ms = statistics.median(cell.times)
            ratio = f" (x{ms / base_ms:.2f})" if base_ms else ""
            row.append(f"{ms:.1f}{ratio}{note}")
        lines.append(" | ".join(row))
    lines.append("")
    if result.get("virtuoso_load_s") is not None:
        lines.append(
            f"Virtuoso bulk load (ld_dir, rdf_loader_run, checkpoint) of these quads: {result['virtuoso_load_s']:.1f} s"
        )
        lines.append("")
    lines.append(
        "resident memory after the rounds (MB, a service with its writer and 2 workers): "
        + ", ".join(f"{name} {mb:.0f}" for name, mb in result["memory_mb"].items())
    )
    return "\n".join(lines)


def main() -> None:
    scales = [int(s) for s in os.environ.get("BENCH_HTTP_SCALES", "100000,1000000").split(",") if s]
    runs = int(os.environ.get("BENCH_HTTP_RUNS", "5"))
    only = {q for q in os.environ.get("BENCH_HTTP_QUESTIONS", "").split(",") if q}
    began = time.monotonic()
    reports = []
    if VIRTUOSO_MISSING is not None:
        reports.append(f"Virtuoso: skipped ({VIRTUOSO_MISSING})")
    else:
        version = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True).stderr.splitlines()[1:2]
        reports.append(f"Virtuoso: measured ({' '.join(version).strip() or 'virtuoso-t'})")
    results = []
    for scale in scales:  # smallest first: the 1M run, the slow one, runs once at the end
        print(f"scale {scale:,} ...", file=sys.stderr)
        result = measure(scale, runs if scale < 1_000_000 else max(2, runs // 2), only)
        results.append(result)
        reports.append(table(result))
        print(reports[-1])
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    reports.append(
        f"{stamp}, {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"whole run {time.monotonic() - began:.0f} s"
    )
    print("\n\n".join(reports[:1] + reports[-1:]))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    serial = [{**r, "cells": {f"{q} | {c}": vars(cell) for (q, c), cell in r["cells"].items()}} for r in results]
    (out / f"http-{stamp}.json").write_text(json.dumps({"reports": reports, "results": serial}, indent=2))


if __name__ == "__main__":
    main()
