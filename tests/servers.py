"""A real ``alliance-graph serve`` on 127.0.0.1 for end-to-end tests (service and UI)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from alliance_graph.paths import ProjectPaths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``alliance-graph serve`` in a subprocess, stopped and restartable. Its output goes to a
    log file; ``log()`` returns it, and a failing test prints it (``conftest`` hook)."""

    running: list[Server] = []

    def __init__(self, paths: ProjectPaths, **env: str) -> None:
        self.paths = paths
        self.env = {**os.environ, "ALLIANCE_GRAPH_HOME": str(paths.home), "PYTHONUNBUFFERED": "1", **env}
        self.env.pop("ALLIANCE_GRAPH_VAR", None)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(paths.home) / f"server-{self.port}.log"

    def log(self, tail: int = 8000) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(line if len(line) < 300 else line[:300] + " …" for line in lines)[-tail:]

    def start(self, timeout: float = 60) -> None:
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
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        Server.running.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        log = self.log()
        self.stop()  # never leave a half-started server behind
        raise RuntimeError(f"the server did not start within {timeout:g} s:\n{log}")

    def kill(self) -> None:
        """``kill -9`` the service (its worker processes die with it)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            self.process = None
        if self in Server.running:
            Server.running.remove(self)


class OxigraphServer:
    """The Oxigraph SPARQL server from PyPI (``oxigraph serve``) on 127.0.0.1, on disk in a temp folder."""

    def __init__(self, location: Path) -> None:
        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        if not Path(binary).is_file():
            if os.environ.get("CI"):
                raise RuntimeError("CI must have the oxigraph server (dev extras of pyproject.toml)")
            pytest.skip("the oxigraph server is not installed: pip install oxigraph")
        self.port = free_port()
        self.spec = f"sparql+http://127.0.0.1:{self.port}/query"
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/query", params={"query": "ASK {}"}, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the oxigraph server did not start within 20 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
