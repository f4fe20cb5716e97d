"""A bounded concurrent load from its own process: ``python -m bench.load URL SECONDS CLIENTS``.

Each client thread repeats one GET for the given time on a kept-alive connection; the result
(requests per second, median and p95 latency, errors) is printed as one JSON line.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time

import httpx


def main(url: str, seconds: float, clients: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(timeout=120) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = client.get(url, headers={"Accept": "application/sparql-results+json, application/json"})
                elapsed = time.perf_counter() - started
                with lock:
                    if response.status_code == 200:
                        latencies.append(elapsed)
                    else:
                        errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    ordered = sorted(latencies) or [float("nan")]
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000,
        "errors": errors[0],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))))
