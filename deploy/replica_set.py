#!/usr/bin/env python3
"""Run a replica set in the foreground: a writer, N read-only replicas and nginx on 127.0.0.1.

    python deploy/replica_set.py --dir /tmp/rs --port 8090 --replicas 2

Starts from the current build on disk (``alliance-graph build``; published here as the first
snapshot), or from the snapshot announced in ``--snapshots`` if there is one. Then:

* ``<dir>/state.json`` says where everything is (balancer spec, writer spec, snapshots folder,
  the snapshot each replica serves) and is rewritten after each rollout;
* SIGHUP rolls out the snapshot announced by ``alliance-graph publish`` (``current.json``),
  replica by replica, without dropping a request;
* SIGTERM or SIGINT stops everything it started.

Reads: ``--store sparql+http://127.0.0.1:<port>/query`` (updates through it reach the writer).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from alliance_graph.paths import project
from alliance_graph.publish import current, publish_build
from alliance_graph.replicas import ReplicaSet, write_state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True, help="working folder (stores, logs, nginx)")
    parser.add_argument("--port", type=int, default=None, help="the balancer's port (default: a free one)")
    parser.add_argument("--writer-port", type=int, default=None, help="the writer's port (default: a free one)")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--snapshots", type=Path, default=None, help="default: <var>/snapshots")
    args = parser.parse_args(argv)

    snapshots = args.snapshots or Path(project().var_dir) / "snapshots"
    first = current(snapshots) or publish_build(Path(project().var_dir), snapshots)
    replicas = ReplicaSet(args.dir, replicas=args.replicas, port=args.port, writer_port=args.writer_port)
    stop = threading.Event()
    roll = threading.Event()

    def on_signal(number: int, _frame: FrameType | None) -> None:
        (roll if number == signal.SIGHUP else stop).set()

    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, on_signal)
    try:
        replicas.start(first)
        write_state(replicas, snapshots)
        print(f"serving {first.id} at {replicas.spec}", flush=True)
        while not stop.is_set():
            if roll.wait(0.2):
                roll.clear()
                announced = current(snapshots)
                if announced is None:
                    continue
                try:
                    report = replicas.rollout(announced)
                except Exception as exc:  # the replicas not yet replaced go on serving
                    write_state(replicas, snapshots, error=str(exc))
                    print(f"error: the rollout of {announced.id} stopped: {exc}", file=sys.stderr, flush=True)
                    continue
                write_state(replicas, snapshots)
                print(f"rolled out {announced.id} in {report.seconds:.2f} s", flush=True)
    except Exception as exc:
        print(f"error: {exc}", file=sys.stderr)
        write_state(replicas, snapshots, error=str(exc))
        return 1
    finally:
        replicas.stop()
    print(json.dumps({"stopped": True}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
