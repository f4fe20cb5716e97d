"""HTTP throughput of the service against its peers, side by side in one run.

    python -m bench.http            (BENCH_HTTP_SECONDS, BENCH_HTTP_CLIENTS, BENCH_HTTP_SCALE)
    BENCH_HTTP_PEERS="oxigraph-server" python -m bench.http   (only these peers beside the service)

Every server holds the same graph (the curated one, or a synthetic one of BENCH_HTTP_SCALE
triples) and answers the same two-hop SPARQL (the user's question, bound); the service also
answers it as the named question. The load comes from a second process on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import httpx

from alliance_graph.build import build_on_disk
from alliance_graph.namespaces import sparql_prefix_block
from alliance_graph.paths import ProjectPaths
from alliance_graph.queries import load_catalogue, paged_text
from alliance_graph.store import open_current

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2025-06-01"
WARM_UP_S = 60
#: req/s of the service before the executor of issue 11 (printed beside today's figures)
BASELINE = Path(__file__).resolve().parent / "http_baseline.json"
TWO_HOP = """SELECT ?state ?grouping ?label WHERE {
  ?m org:member ?state ; org:organization ?grouping .
  ?grouping ag:topic tech:artificial-intelligence ; rdfs:label ?label .
}"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def load(url: str, seconds: float, clients: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.load", url, str(seconds), str(clients)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def main() -> None:
    seconds = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))
    clients = int(os.environ.get("BENCH_HTTP_CLIENTS", "4"))
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp) / "var"
        env = {
            **os.environ,
            "ALLIANCE_GRAPH_VAR": str(var),
            "ALLIANCE_GRAPH_QUERY_TIMEOUT": "120",
            # the load comes from one address; the per-client limit is for fairness, not for this
            "ALLIANCE_GRAPH_CLIENT_CONCURRENCY": "64",
        }
        build_on_disk(ProjectPaths(ROOT, var=var))
        store = open_current(var)
        nquads = Path(tmp) / "graph.nq"
        nquads.write_bytes(store.dump("nquads"))
        query = load_catalogue(ROOT / "queries")["bloc-members-cooperating-with"]
        text, _ = paged_text(store, query, {"as_of": AS_OF}, 100, 0)
        store.close()
        sparql = sparql_prefix_block() + text
        encoded = urllib.parse.urlencode({"query": sparql})
        peers = os.environ.get("BENCH_HTTP_PEERS", "rdflib-endpoint minimal oxigraph-server").split()
        ports = {name: free_port() for name in ("service", "rdflib-endpoint", "minimal", "oxigraph-server")}
        oxigraph = Path(sys.executable).parent / "oxigraph"
        server_dir = Path(tmp) / "oxigraph-server"
        subprocess.run(
            [str(oxigraph), "load", "--location", str(server_dir), "--file", str(nquads)],
            check=True,
            capture_output=True,
        )
        try:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "alliance_graph", "serve", "--port", str(ports["service"])],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            for peer in [p for p in ("rdflib-endpoint", "minimal") if p in peers]:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bench.peers", peer, str(ports[peer]), str(nquads)],
                        cwd=ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            processes.append(
                subprocess.Popen(
                    [
                        str(oxigraph) if "oxigraph-server" in peers else "true",
                        "serve-read-only",
                        "--location",
                        str(server_dir),
                        "--union-default-graph",
                        "--bind",
                        f"127.0.0.1:{ports['oxigraph-server']}",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            service = f"http://127.0.0.1:{ports['service']}"
            endpoints = {
                "service /sparql": f"{service}/sparql",
                "rdflib-endpoint": f"http://127.0.0.1:{ports['rdflib-endpoint']}/sparql",
                "minimal FastAPI + pyoxigraph": f"http://127.0.0.1:{ports['minimal']}/sparql",
                "oxigraph server": f"http://127.0.0.1:{ports['oxigraph-server']}/query",
            }
            wanted = {"rdflib-endpoint": "rdflib-endpoint", "minimal FastAPI + pyoxigraph": "minimal"}
            wanted["oxigraph server"] = "oxigraph-server"
            endpoints = {k: v for k, v in endpoints.items() if k == "service /sparql" or wanted[k] in peers}
            for url in endpoints.values():
                wait(url.rsplit("/", 1)[0] + "/")
            two_hop = urllib.parse.urlencode({"query": sparql_prefix_block() + TWO_HOP})
            cases = {("two-hop join", name): f"{url}?{two_hop}" for name, url in endpoints.items()}
            cases |= {("user's question", name): f"{url}?{encoded}" for name, url in endpoints.items()}
            cases[("user's question", "service /queries")] = (
                f"{service}/queries/bloc-members-cooperating-with?as_of={AS_OF}"
            )
            results: dict[tuple[str, str], dict[str, float] | None] = {}
            for key, url in cases.items():
                try:
                    httpx.get(url, timeout=WARM_UP_S)
                except httpx.TimeoutException:
                    results[key] = None
                    continue
                results[key] = load(url, seconds, clients)
        finally:
            for process in processes:
                process.kill()
                process.wait(10)
    baseline = json.loads(BASELINE.read_text()) if BASELINE.is_file() else {}
    print(f"HTTP, {clients} clients x {seconds:g} s from a second process, curated graph")
    print(f"before = {baseline.get('_measured', 'no baseline')}")
    print("query | server | req/s | before req/s | median ms | p95 ms | errors | x rdflib-endpoint | x minimal")
    print("--- | --- | --- | --- | --- | --- | --- | --- | ---")
    for (query_name, name), r in results.items():
        before = baseline.get(f"{query_name} | {name}", "")
        if r is None:
            print(f"{query_name} | {name} | no answer within {WARM_UP_S} s | {before} | | | | |")
            continue
        base = results.get((query_name, "rdflib-endpoint"))
        minimal = results.get((query_name, "minimal FastAPI + pyoxigraph"))
        versus_base = f"{r['rps'] / base['rps']:.0f}" if base and base["rps"] else "n/a"
        versus_minimal = f"{r['rps'] / minimal['rps']:.2f}" if minimal and minimal["rps"] else "n/a"
        print(
            f"{query_name} | {name} | {r['rps']:.1f} | {before} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['errors']} | {versus_base} | {versus_minimal}"
        )


if __name__ == "__main__":
    main()
