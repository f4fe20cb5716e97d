"""A replica set on one host: one Oxigraph writer, N read-only Oxigraph replicas, nginx in front.

Why: one server's reads are bounded by one process; read-only replicas of a snapshot
(:mod:`alliance_graph.publish`) add read capacity, and the writer stays the one place updates go.
Everything listens on 127.0.0.1 on the ports given (or free ones), from files in the repository
(``deploy/nginx.conf.template``):

* the writer: ``oxigraph serve`` on its own store (empty, or a copy of a snapshot);
* each replica: ``oxigraph serve-read-only`` on a snapshot folder (never written again);
* nginx: ``/query`` round-robin over the replicas, ``/update`` and ``/store`` to the writer; each
  read answer says which snapshot answered (``X-Dataset-Snapshot``) and which replica
  (``X-Replica``).

A rollout replaces replicas one at a time and never drops a request: a replica of the new snapshot
is started on a new port and proven (it answers, and its data names the snapshot expected); nginx
is reloaded with it in place of an old one (nginx's graceful reload: new workers take new requests,
old workers finish theirs); once the old workers have exited, the old replica is stopped. A port is
never used twice, so an address always names one snapshot.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .config import find_home
from .publish import SNAPSHOT_QUERY, Manifest
from .store import RemoteStore, StoreError

HOST = "127.0.0.1"
TEMPLATE = Path("deploy") / "nginx.conf.template"


class ReplicaSetError(StoreError):
    """A part of the replica set did not start, or a rollout could not go on."""


def free_port(used: set[int]) -> int:
    """A free port on 127.0.0.1 not handed out before by this replica set."""
    while True:
        with socket.socket() as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        if port not in used:
            used.add(port)
            return port


def binary(name: str, *extra: Path) -> str:
    """The path of a program: on PATH, beside this Python (the venv's ``oxigraph``), or given."""
    for candidate in (shutil.which(name), *(str(p / name) for p in (Path(sys.executable).parent, *extra))):
        if candidate and Path(candidate).is_file():
            return candidate
    raise ReplicaSetError(f"{name} is not installed (oxigraph: pip install oxigraph; nginx: apt-get install nginx)")


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1 only
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ReplicaSetError(f"{url} exited with {process.returncode}: {_tail(log)}")
        try:
            if _get(url, timeout=1.0) == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise ReplicaSetError(f"{url} did not answer within {timeout:g} s: {_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-1500:]
    except OSError:
        return ""


def _stop(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (nginx's workers), from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command may hold spaces and parentheses: the fields after its last ')' are fixed
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


@dataclass
class Replica:
    """One ``oxigraph serve-read-only`` on one snapshot, for its whole life."""

    port: int
    snapshot: str
    process: subprocess.Popen[bytes]

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"


@dataclass
class RolloutReport:
    """What a rollout did: snapshots before and after, seconds taken, replicas replaced."""

    before: list[str]
    after: str
    seconds: float
    replaced: int
    steps: list[float] = field(default_factory=list)


class ReplicaSet:
    """Writer + replicas + nginx under ``workdir``; see the module's docstring."""

    def __init__(
        self,
        workdir: Path,
        *,
        replicas: int = 2,
        port: int | None = None,
        writer_port: int | None = None,
        template: Path | None = None,
        start_timeout: float = 30.0,
    ) -> None:
        self.workdir = workdir
        self.size = replicas
        self.used: set[int] = set()
        self.port = port or free_port(self.used)
        self.writer_port = writer_port or free_port(self.used)
        self.used |= {self.port, self.writer_port}
        self.template = template or find_home() / TEMPLATE
        self.start_timeout = start_timeout
        self.oxigraph = binary("oxigraph")
        self.nginx_binary = binary("nginx", Path("/usr/sbin"))
        self.run = workdir / "run"
        self.logs = workdir / "logs"
        self.writer: subprocess.Popen[bytes] | None = None
        self.nginx: subprocess.Popen[bytes] | None = None
        self.replicas: list[Replica] = []

    # --- addresses ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def spec(self) -> str:
        """The store spec of the balancer (reads to replicas, updates to the writer)."""
        return f"sparql+{self.url}/query"

    @property
    def writer_spec(self) -> str:
        return f"sparql+http://{HOST}:{self.writer_port}/query"

    @property
    def serving(self) -> list[str]:
        return [r.snapshot for r in self.replicas]

    # --- starting -----------------------------------------------------------------------------

    def start_writer(self, snapshot: Manifest | None = None) -> None:
        """The writer on its own store: empty, or a copy of ``snapshot`` (hard links)."""
        store_dir = self.workdir / "writer"
        self.workdir.mkdir(parents=True, exist_ok=True)
        if snapshot is not None and not store_dir.exists():
            source = ox.Store.read_only(snapshot.path)
            source.backup(str(store_dir))
            del source
        self.logs.mkdir(parents=True, exist_ok=True)
        log = self.logs / "writer.log"
        command = [self.oxigraph, "serve", "--location", str(store_dir), "--bind", f"{HOST}:{self.writer_port}"]
        self.writer = subprocess.Popen(command, stdout=log.open("ab"), stderr=subprocess.STDOUT)  # noqa: S603
        wait_until_up(self._ask_url(self.writer_port), self.writer, self.start_timeout, log)

    def start_readers(self, snapshot: Manifest) -> None:
        """``size`` replicas of ``snapshot``, then nginx in front of them."""
        for _ in range(self.size):
            self.replicas.append(self._start_replica(snapshot))
        self._start_nginx()

    def start(self, snapshot: Manifest) -> None:
        self.start_writer(snapshot)
        self.start_readers(snapshot)

    @staticmethod
    def _ask_url(port: int) -> str:
        return f"http://{HOST}:{port}/query?" + urllib.parse.urlencode({"query": "ASK {}"})

    def _start_replica(self, snapshot: Manifest) -> Replica:
        port = free_port(self.used)
        log = self.logs / f"replica-{port}.log"
        self.logs.mkdir(parents=True, exist_ok=True)
        command = [self.oxigraph, "serve-read-only", "--location", snapshot.path, "--bind", f"{HOST}:{port}"]
        process = subprocess.Popen(command, stdout=log.open("ab"), stderr=subprocess.STDOUT)  # noqa: S603
        replica = Replica(port, snapshot.id, process)
        try:
            wait_until_up(self._ask_url(port), process, self.start_timeout, log)
            named = replica_snapshot(f"sparql+http://{replica.address}/query")
            if named != snapshot.id:
                raise ReplicaSetError(f"the replica on {replica.address} serves {named!r}, not {snapshot.id!r}")
        except BaseException:
            _stop(process)
            raise
        return replica

    # --- nginx --------------------------------------------------------------------------------

    def config_text(self, replicas: list[Replica]) -> str:
        """The nginx configuration for these replicas, from the template."""
        values = {
            "user": "user root;\n" if os.geteuid() == 0 else "",
            "run": str(self.run),
            "listen": f"{HOST}:{self.port}",
            "writer": f"{HOST}:{self.writer_port}",
            "replicas": "\n".join(f"        server {r.address} max_fails=0;" for r in replicas),
            "snapshots": "\n".join(
                f'        "~(^|, ){r.address.replace(".", chr(92) + ".")}$" "{r.snapshot}";' for r in replicas
            ),
        }
        text = self.template.read_text()
        for name, value in values.items():
            text = text.replace("{{" + name + "}}", value)
        return text

    def _write_config(self, replicas: list[Replica]) -> Path:
        self.run.mkdir(parents=True, exist_ok=True)
        for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run / temp).mkdir(exist_ok=True)
        conf = self.run / "nginx.conf"
        swap = conf.with_name("nginx.conf.new")
        swap.write_text(self.config_text(replicas))
        check = subprocess.run(  # noqa: S603
            [*self._nginx_command(swap), "-t", "-q"], capture_output=True, text=True, check=False
        )
        if check.returncode != 0:
            raise ReplicaSetError(f"nginx rejects the configuration: {check.stderr.strip()}")
        os.replace(swap, conf)
        return conf

    def _nginx_command(self, conf: Path) -> list[str]:
        return [self.nginx_binary, "-p", str(self.run), "-c", str(conf), "-e", str(self.run / "error.log")]

    def _start_nginx(self) -> None:
        conf = self._write_config(self.replicas)
        log = self.logs / "nginx.log"
        self.nginx = subprocess.Popen(  # noqa: S603
            self._nginx_command(conf), stdout=log.open("ab"), stderr=subprocess.STDOUT
        )
        wait_until_up(self._ask_url(self.port), self.nginx, self.start_timeout, self.run / "error.log")

    def _reload(self, replicas: list[Replica]) -> None:
        """Point nginx at ``replicas`` and wait until every worker of the old configuration has
        finished its requests and exited."""
        assert self.nginx is not None
        self._write_config(replicas)
        old = children(self.nginx.pid)
        os.kill(self.nginx.pid, signal.SIGHUP)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            now = children(self.nginx.pid)
            if now and not (now & old):
                return
            if self.nginx.poll() is not None:
                raise ReplicaSetError(f"nginx exited on reload: {_tail(self.run / 'error.log')}")
            time.sleep(0.02)
        raise ReplicaSetError(f"nginx's old workers did not finish within {self.start_timeout:g} s")

    # --- rollout ------------------------------------------------------------------------------

    def rollout(self, snapshot: Manifest, *, limit: int | None = None) -> RolloutReport:
        """Serve ``snapshot`` on every replica (or on ``limit`` more of them: a canary), one
        replica at a time, dropping no request."""
        started = time.monotonic()
        before = self.serving
        steps = []
        replaced = 0
        for index, old in enumerate(list(self.replicas)):
            if old.snapshot == snapshot.id:
                continue
            if limit is not None and replaced >= limit:
                break
            step = time.monotonic()
            new = self._start_replica(snapshot)
            replicas = [*self.replicas[:index], new, *self.replicas[index + 1 :]]
            try:
                self._reload(replicas)
            except BaseException:
                _stop(new.process)
                raise
            self.replicas = replicas
            _stop(old.process)  # nothing routes to it any more, and no old worker is left
            replaced += 1
            steps.append(time.monotonic() - step)
        return RolloutReport(before, snapshot.id, time.monotonic() - started, replaced, steps)

    # --- stopping -----------------------------------------------------------------------------

    def stop(self) -> None:
        if self.nginx is not None:
            _stop(self.nginx)
            self.nginx = None
        for replica in self.replicas:
            _stop(replica.process)
        self.replicas = []
        if self.writer is not None:
            _stop(self.writer)
            self.writer = None

    def __enter__(self) -> ReplicaSet:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def replica_snapshot(spec: str) -> str | None:
    """The snapshot id a server's data names (None when the data names none)."""
    answer = RemoteStore(spec).query(SNAPSHOT_QUERY)
    if not answer.rows or answer.rows[0][0] is None:
        return None
    return str(answer.rows[0][0])


STATE = "state.json"


def write_state(replicas: ReplicaSet, snapshots: Path, error: str | None = None) -> None:
    """``<workdir>/state.json``: where a running replica set is and what it serves (for scripts
    and for :func:`request_rollout` from another process)."""
    state = {
        "pid": os.getpid(),
        "spec": replicas.spec,
        "writer": replicas.writer_spec,
        "snapshots": str(snapshots),
        "serving": replicas.serving,
        "error": error,
    }
    path = replicas.workdir / STATE
    swap = path.with_name(STATE + ".swap")
    swap.write_text(json.dumps(state, indent=2) + "\n")
    os.replace(swap, path)


def read_state(workdir: Path) -> dict[str, Any]:
    return dict(json.loads((workdir / STATE).read_text()))


def request_rollout(workdir: Path, snapshot: Manifest, timeout: float = 120.0) -> None:
    """Ask the replica set running in ``workdir`` (``deploy/replica_set.py``) to roll out the
    announced snapshot, and wait until every replica serves it."""
    os.kill(int(read_state(workdir)["pid"]), signal.SIGHUP)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = read_state(workdir)
        if state.get("error"):
            raise ReplicaSetError(f"the rollout failed: {state['error']}")
        if state["serving"] and all(s == snapshot.id for s in state["serving"]):
            return
        time.sleep(0.1)
    raise ReplicaSetError(f"the replica set did not serve {snapshot.id} within {timeout:g} s")
