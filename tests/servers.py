"""A real ``alliance-graph serve`` on 127.0.0.1 for end-to-end tests (service and UI)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from alliance_graph.paths import ProjectPaths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``alliance-graph serve`` in a subprocess, stopped and restartable."""

    def __init__(self, paths: ProjectPaths, **env: str) -> None:
        self.paths = paths
        self.env = {**os.environ, "ALLIANCE_GRAPH_HOME": str(paths.home), **env}
        self.env.pop("ALLIANCE_GRAPH_VAR", None)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "alliance_graph",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
