"""A private Virtuoso for bench.http: its own ini, ports and files in a temp folder, bulk-loaded with the quads.

Virtuoso (Debian ``virtuoso-opensource``, 7.2.5 on bookworm) is the store a deployment that outgrows
one machine would likely reach for, so the HTTP benchmark asks it the same SPARQL as the other peers
and compares its row counts: design.md records that 7.2.5 answers joined ``*``/``+`` property paths
wrongly, and the table must show that rather than a fast wrong number.

The server runs on 127.0.0.1 only, with free ports for SQL and HTTP, a buffer pool of about 1 GB,
and ``DirsAllowed`` naming only the folder the N-Quads are loaded from. Loading uses Virtuoso's bulk
loader through ``isql-vt`` (``ld_dir`` + ``rdf_loader_run()`` + ``checkpoint``). Its default graph is
the union of all graphs (as the other peers are asked with a union default graph); the triples of
N-Quads' default graph land in one named graph of their own. Everything is removed with the folder.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx

#: the graph IRI the loader gives to triples in the N-Quads' default graph
DEFAULT_GRAPH = "urn:x-alliance-graph-bench:default"
#: 8 kB pages: about 1 GB of buffers, of which up to three quarters dirty during the load
BUFFERS = 130_000
DIRTY_BUFFERS = 95_000


def missing() -> str | None:
    """Why Virtuoso cannot run here, or None when ``virtuoso-t`` and ``isql-vt`` are both installed."""
    for tool in ("virtuoso-t", "isql-vt"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed; Debian package virtuoso-opensource"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ini_text(folder: Path, load_dir: Path, sql_port: int, http_port: int, timeout_s: float) -> str:
    db = folder / "db"
    return f"""[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 0
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = ., {load_dir}
ThreadsPerQuery = 4
AsyncQueueMaxThreads = 10
MaxQueryMem = 1G
NumberOfBuffers = {BUFFERS}
MaxDirtyBuffers = {DIRTY_BUFFERS}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder / "vsp"}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {int(timeout_s)}
"""


class VirtuosoHung(httpx.HTTPError):
    """The server timed out once: every later request fails at once with this."""


class Virtuoso:
    """One private server: ``start`` brings it up and loads the quads, ``stop`` kills it and deletes its files."""

    def __init__(self, folder: Path, timeout_s: float) -> None:
        self.folder = folder
        self.timeout_s = timeout_s
        self.sql_port = free_port()
        self.http_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.load_seconds: float | None = None
        self.hung = False

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def isql(self, script: str, timeout: float = 1800) -> str:
        cmd = ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF", f"EXEC={script}"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt failed on {script!r}: {done.stdout}{done.stderr}")
        return done.stdout

    def start(self, nquads: Path) -> None:
        """Start the server, wait for its SQL port, bulk-load ``nquads`` and checkpoint; time the load."""
        load_dir = self.folder / "load"
        load_dir.mkdir(parents=True)
        (self.folder / "db").mkdir()
        (self.folder / "vsp").mkdir()
        try:  # the loader reads the file from its own folder: a hard link costs nothing
            (load_dir / "graph.nq").hardlink_to(nquads)
        except OSError:
            shutil.copyfile(nquads, load_dir / "graph.nq")
        ini = self.folder / "virtuoso.ini"
        ini.write_text(ini_text(self.folder, load_dir, self.sql_port, self.http_port, self.timeout_s))
        self.process = subprocess.Popen(
            ["virtuoso-t", "-f", "-c", str(ini)],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 300
        while True:
            try:
                self.isql("status();", timeout=30)
                break
            except (RuntimeError, subprocess.TimeoutExpired):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Virtuoso did not start: see {self.folder / 'db' / 'virtuoso.log'}") from None
                time.sleep(1)
        began = time.monotonic()
        self.isql(f"ld_dir('{load_dir}', 'graph.nq', '{DEFAULT_GRAPH}'); rdf_loader_run(); checkpoint;")
        self.load_seconds = time.monotonic() - began
        failed = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        if "graph.nq" in failed:
            raise RuntimeError(f"Virtuoso's loader refused the N-Quads: {failed}")

    def query(self, client: httpx.Client, text: str) -> httpx.Response:
        """POST the query as a form (long texts do not fit a GET); a partial "anytime" answer is an error."""
        if self.hung:  # seen here: 7.2.5 stopped answering HTTP and SQL alike; do not wait on it per cell
            raise VirtuosoHung("Virtuoso stopped answering earlier in this run")
        try:
            response = client.post(self.endpoint + "/sparql", data={"query": text}, timeout=self.timeout_s)
        except httpx.TimeoutException:
            self.hung = True
            raise
        if response.headers.get("X-SQL-State"):  # Virtuoso cut the query at MaxQueryExecutionTime
            return httpx.Response(504, request=response.request)
        return response

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(30)
            self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)
