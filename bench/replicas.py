"""Reads/s through nginx in front of N Oxigraph replicas vs one Oxigraph server, and a rollout.

    python -m bench.replicas [--replicas 2] [--clients 4] [--seconds 5] [--rounds 3]

Builds data/ into a temp folder, publishes a snapshot, starts a replica set on 127.0.0.1
(alliance_graph.replicas) and measures, in interleaved rounds, named questions answered per second
by ``--clients`` threads talking to one replica directly and to the balancer. Then it rolls out a
new snapshot under the same load and reports its time, the reads served meanwhile and the failures.
Throughput depends on the cores free: on a shared machine compare rows of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from alliance_graph.build import build_on_disk
from alliance_graph.paths import ProjectPaths
from alliance_graph.publish import publish_build
from alliance_graph.queries import load_catalogue, run
from alliance_graph.replicas import ReplicaSet
from alliance_graph.store import RemoteStore

ROOT = Path(__file__).resolve().parents[1]
#: Questions a reader asks, with parameters that exist in data/ (named questions: ~1 s each here).
ASKED = [
    ("facts-about", {"subject": "state:RUS"}),
    ("alliance-members", {}),
    ("institutions-of-state", {"state": "state:CHN"}),
]
#: Entity lookups (what an entity page reads first): milliseconds each.
LOOKUPS = [f"SELECT ?p ?o WHERE {{ state:{code} ?p ?o }}" for code in ("RUS", "CHN", "USA", "IND", "BRA")]


def load(
    spec: str,
    clients: int,
    seconds: float,
    paths: ProjectPaths,
    during: threading.Thread | None = None,
    *,
    lookups: bool = False,
) -> dict[str, Any]:
    """Named questions answered by ``clients`` threads for ``seconds`` (or until ``during`` ends)."""
    catalogue = load_catalogue(paths.queries_dir)
    done: list[int] = [0] * clients
    failures: list[str] = []
    stop = threading.Event()

    def client(index: int) -> None:
        store = RemoteStore(spec)
        turn = index
        while not stop.is_set():
            name, values = ASKED[turn % len(ASKED)]
            text = LOOKUPS[turn % len(LOOKUPS)]
            turn += 1
            try:
                if lookups:
                    store.query(text)
                else:
                    run(store, catalogue[name], values)
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
            else:
                done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    if during is not None:
        time.sleep(0.5)
        during.start()
        during.join()
    else:
        time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"reads": sum(done), "seconds": elapsed, "per_s": sum(done) / elapsed, "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp) / "var"
        paths = ProjectPaths(ROOT, var)
        build_on_disk(paths)
        first = publish_build(var, var / "snapshots")
        with ReplicaSet(Path(tmp) / "set", replicas=args.replicas) as replicas:
            replicas.start(first)
            one = f"sparql+http://{replicas.replicas[0].address}/query"
            rounds: dict[str, list[float]] = {}
            for _ in range(args.rounds):
                for mix in ("named questions", "entity lookups"):
                    for label, spec in (("one server", one), ("nginx", replicas.spec)):
                        measured = load(spec, args.clients, args.seconds, paths, lookups=mix == "entity lookups")
                        rounds.setdefault(f"{mix}, {label}", []).append(measured["per_s"])
            second = publish_build(var, var / "snapshots")
            reports: list[Any] = []
            rollout = threading.Thread(target=lambda: reports.append(replicas.rollout(second)))
            during = load(replicas.spec, args.clients, 0, paths, during=rollout, lookups=True)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "replicas": args.replicas,
        "clients": args.clients,
        "reads_per_s": {k: {"median": statistics.median(v), "rounds": v} for k, v in rounds.items()},
        "rollout": {
            "seconds": reports[0].seconds if reports else None,
            "per_replica_s": reports[0].steps if reports else None,
            "reads_during": during["reads"],
            "failures": len(during["failures"]),
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
