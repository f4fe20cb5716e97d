"""Read replicas of a real engine: one Oxigraph writer, two read-only replicas, Debian's nginx.

Everything runs on 127.0.0.1 on free ports, from the repository's deploy/ files, and is stopped
at the end. Pinned here: a snapshot names itself in its data and is cheap (hard links); reads are
balanced over the replicas and updates reach the writer only; a rollout under load drops no
request and every answer comes from one snapshot or the next, never a mix; the service's version
of an answer is that of the snapshot that computed it.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import FIXTURES, make_project, require

from alliance_graph.api.executor import Executor, Limits
from alliance_graph.build import build_on_disk
from alliance_graph.namespaces import GRAPH_META
from alliance_graph.paths import ProjectPaths
from alliance_graph.publish import SNAPSHOT_PREDICATE, Manifest, current, publish_build, publish_endpoint
from alliance_graph.replicas import ReplicaSet, binary, replica_snapshot
from alliance_graph.store import RemoteStore, StoreError, StoreSpec

pytestmark = pytest.mark.e2e

MARK_GRAPH = "http://example.org/rollout"
#: The snapshot an answer's data names and the rollout mark it holds, in one query (one replica).
PROBE = f"""
SELECT ?snapshot ?mark WHERE {{
  GRAPH <{GRAPH_META}> {{ <{GRAPH_META}> <{SNAPSHOT_PREDICATE}> ?snapshot }}
  OPTIONAL {{ GRAPH <{MARK_GRAPH}> {{ <urn:x:rollout> <urn:x:mark> ?mark }} }}
}}
"""
JSON = "application/sparql-results+json"


def have(name: str) -> bool:
    try:
        binary(name, Path("/usr/sbin"))
    except Exception:
        return False
    return True


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    paths = make_project(tmp_path_factory.mktemp("replicas-project"), FIXTURES / "data")
    build_on_disk(paths)
    return paths


@pytest.fixture(scope="module")
def snapshots(project: ProjectPaths) -> Path:
    return Path(project.var_dir) / "snapshots"


@pytest.fixture(scope="module")
def replica_set(
    project: ProjectPaths, snapshots: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ReplicaSet]:
    require(have("oxigraph"), "the oxigraph server is not installed: pip install oxigraph")
    require(have("nginx"), "nginx is not installed: apt-get install nginx")
    first = publish_build(Path(project.var_dir), snapshots)
    replicas = ReplicaSet(tmp_path_factory.mktemp("replica-set"), replicas=2)
    try:
        replicas.start(first)
        yield replicas
    finally:
        replicas.stop()


def probe(client: httpx.Client, url: str) -> tuple[str | None, str | None, str | None]:
    """(snapshot the balancer says answered, snapshot the data names, mark) of one read."""
    response = client.post(f"{url}/query", data={"query": PROBE}, headers={"Accept": JSON}, timeout=10)
    response.raise_for_status()
    rows = response.json()["results"]["bindings"]
    assert len(rows) == 1, rows
    mark = rows[0].get("mark", {}).get("value")
    return response.headers.get("x-dataset-snapshot"), rows[0]["snapshot"]["value"], mark


def mixed(answer: tuple[str | None, str | None, str | None], marks: dict[str, str | None]) -> str | None:
    """Why an answer is not wholly from one of the known snapshots, or None if it is: the
    balancer's word and the data must name the same snapshot, and its mark must be that
    snapshot's mark."""
    said, named, mark = answer
    if said != named:
        return f"the balancer said {said!r}, the data named {named!r}"
    if named not in marks:
        return f"snapshot {named!r} is neither the old one nor the new one"
    if marks[named] != mark:
        return f"snapshot {named!r} answered with the mark {mark!r} of another snapshot"
    return None


def test_mixed_answers_are_detected() -> None:
    marks = {"A": None, "B": "2"}
    assert mixed(("A", "A", None), marks) is None
    assert mixed(("B", "B", "2"), marks) is None
    assert mixed(("A", "A", "2"), marks)  # old snapshot's id, new data
    assert mixed(("B", "A", None), marks)  # the balancer names the wrong snapshot
    assert mixed(("C", "C", None), marks)


def test_a_snapshot_names_itself_and_shares_the_build_files(project: ProjectPaths, tmp_path: Path) -> None:
    manifest = publish_build(Path(project.var_dir), tmp_path / "snaps")
    assert current(tmp_path / "snaps") == manifest
    store = ox.Store.read_only(manifest.path)
    meta = ox.NamedNode(str(GRAPH_META))
    names = [q.object.value for q in store.quads_for_pattern(meta, ox.NamedNode(SNAPSHOT_PREDICATE), None, meta)]
    assert names == [manifest.id]
    assert len(store) == manifest.triples
    del store
    linked = [f for f in Path(manifest.path).iterdir() if f.suffix == ".sst" and f.stat().st_nlink > 1]
    assert linked, "the snapshot copied the build instead of hard-linking its files"


def test_reads_are_balanced_and_updates_reach_the_writer_only(replica_set: ReplicaSet) -> None:
    with httpx.Client() as client:
        answered = set()
        for _ in range(8):
            response = client.post(f"{replica_set.url}/query", data={"query": "ASK {}"}, headers={"Accept": JSON})
            assert response.status_code == 200
            answered.add(response.headers["x-replica"])
        assert answered == {r.address for r in replica_set.replicas}
    through_balancer = RemoteStore(replica_set.spec)
    through_balancer.update(f"INSERT DATA {{ GRAPH <{MARK_GRAPH}> {{ <urn:x:writer> <urn:x:seen> 1 }} }}")
    ask = f"ASK {{ GRAPH <{MARK_GRAPH}> {{ <urn:x:writer> <urn:x:seen> 1 }} }}"
    assert RemoteStore(replica_set.writer_spec).query(ask).boolean is True
    assert through_balancer.query(ask).boolean is False  # replicas serve the published snapshot
    for replica in replica_set.replicas:
        response = httpx.post(f"http://{replica.address}/update", content=b"CLEAR ALL")
        assert response.status_code >= 400  # a replica is read-only
    through_balancer.update(f"DROP SILENT GRAPH <{MARK_GRAPH}>")


def test_a_separate_update_endpoint(replica_set: ReplicaSet, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reads straight from one replica, updates to the writer: ``ALLIANCE_GRAPH_STORE_UPDATE``."""
    writer = f"http://127.0.0.1:{replica_set.writer_port}/update"
    monkeypatch.setenv("ALLIANCE_GRAPH_STORE_UPDATE", writer)
    store = RemoteStore(f"sparql+http://{replica_set.replicas[0].address}/query")
    assert (store.update_url, store.store_url) == (writer, writer.removesuffix("update") + "store")
    store.update(f"INSERT DATA {{ GRAPH <{MARK_GRAPH}-split> {{ <urn:x:split> <urn:x:p> 1 }} }}")
    ask = f"ASK {{ GRAPH <{MARK_GRAPH}-split> {{ <urn:x:split> <urn:x:p> 1 }} }}"
    assert RemoteStore(replica_set.writer_spec).query(ask).boolean is True
    assert store.query(ask).boolean is False
    store.update(f"DROP SILENT GRAPH <{MARK_GRAPH}-split>")
    monkeypatch.setenv("ALLIANCE_GRAPH_STORE_UPDATE", "writer:7878")
    with pytest.raises(StoreError, match="ALLIANCE_GRAPH_STORE_UPDATE"):
        RemoteStore(replica_set.spec)


@dataclass
class Load:
    """Reads by several clients until told to stop; what they saw."""

    url: str
    threads: int = 4
    minimum: int = 200
    answers: list[tuple[str | None, str | None, str | None]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    during: int = 0

    def client(self, deadline: float) -> None:
        done = 0
        with httpx.Client() as client:
            while time.monotonic() < deadline and (done < self.minimum or not self.stop.is_set()):
                try:
                    answer = probe(client, self.url)
                except Exception as exc:  # every failure counts, whatever its kind
                    with self.lock:
                        self.failures.append(f"{type(exc).__name__}: {exc}")
                else:
                    with self.lock:
                        self.answers.append(answer)
                done += 1

    def run(self, action: threading.Thread, deadline_s: float = 120.0) -> None:
        deadline = time.monotonic() + deadline_s
        workers = [threading.Thread(target=self.client, args=(deadline,)) for _ in range(self.threads)]
        for worker in workers:
            worker.start()
        while len(self.answers) < 20 * self.threads and time.monotonic() < deadline:
            time.sleep(0.01)
        before = len(self.answers) + len(self.failures)
        action.start()
        action.join(deadline_s)
        self.during = len(self.answers) + len(self.failures) - before
        self.stop.set()
        for worker in workers:
            worker.join(deadline_s)


def test_rollout_under_load_drops_nothing_and_never_mixes(replica_set: ReplicaSet, snapshots: Path) -> None:
    old = replica_set.serving[0]
    assert set(replica_set.serving) == {old}
    writer = RemoteStore(replica_set.writer_spec)
    writer.update(f'INSERT DATA {{ GRAPH <{MARK_GRAPH}> {{ <urn:x:rollout> <urn:x:mark> "new" }} }}')
    new = publish_endpoint(replica_set.writer_spec, snapshots)
    reports = []
    load = Load(replica_set.url)
    load.run(threading.Thread(target=lambda: reports.append(replica_set.rollout(new))))
    assert reports and reports[0].replaced == 2, "the rollout did not finish"
    assert load.failures == []
    marks: dict[str, str | None] = {old: None, new.id: "new"}
    problems = [why for answer in load.answers if (why := mixed(answer, marks))]
    assert problems == []
    seen = [named for _said, named, _mark in load.answers]
    assert old in seen and new.id in seen  # the load really spanned the rollout
    assert seen[-1] == new.id
    assert replica_set.serving == [new.id, new.id]
    assert all(replica_snapshot(f"sparql+http://{r.address}/query") == new.id for r in replica_set.replicas)
    print(
        f"\nrollout: {reports[0].seconds:.2f} s ({', '.join(f'{s:.2f}' for s in reports[0].steps)} per replica), "
        f"{load.during} reads during it, {len(load.answers)} in all, {len(load.failures)} failed"
    )


def test_the_service_names_the_snapshot_that_answered(
    replica_set: ReplicaSet, snapshots: Path, project: ProjectPaths
) -> None:
    """Half rolled out (one replica per snapshot), each answer's version is its own snapshot's."""
    writer = RemoteStore(replica_set.writer_spec)
    writer.update(f"INSERT DATA {{ GRAPH <{MARK_GRAPH}> {{ <urn:x:canary> <urn:x:mark> 1 }} }}")
    canary = publish_endpoint(replica_set.writer_spec, snapshots)
    before = replica_set.serving[-1]
    replica_set.rollout(canary, limit=1)
    assert sorted(replica_set.serving) == sorted([canary.id, before])

    async def answers() -> list[tuple[str | None, str, str]]:
        executor = Executor(StoreSpec("remote", replica_set.spec), Path(project.var_dir), Limits(cache_bytes=0))
        await executor.start()
        try:
            seen = []
            for _ in range(10):
                result = await executor.query(PROBE, client="test")
                assert result.answer is not None
                named = str(result.answer.rows[0][0])
                seen.append((result.version.snapshot, named, result.version.header()))
            return seen
        finally:
            await executor.close()

    seen = asyncio.run(answers())
    assert {named for _v, named, _h in seen} == {canary.id, before}
    for version, named, header in seen:
        assert version == named
        assert f"snapshot={named}" in header
    replica_set.rollout(canary)


def test_publish_from_the_cli(project: ProjectPaths, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "ALLIANCE_GRAPH_HOME": str(project.home)}
    env.pop("ALLIANCE_GRAPH_VAR", None)
    target = tmp_path / "published"
    runs = [
        subprocess.run(
            [sys.executable, "-m", "alliance_graph", "publish", "--to", str(target), *keep],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        for keep in ([], ["--keep", "0"])
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    manifest = current(target)
    assert isinstance(manifest, Manifest) and manifest.id in runs[1].stdout
    assert sorted(p.name for p in target.iterdir()) == sorted([manifest.id, f"{manifest.id}.json", "current.json"])
    bad = subprocess.run(
        [sys.executable, "-m", "alliance_graph", "publish", "--from", "memory", "--to", str(target)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "sparql+http" in bad.stderr
    shutil.rmtree(target)


def test_the_replica_set_script_rolls_out_on_request(project: ProjectPaths, tmp_path: Path) -> None:
    """deploy/replica_set.py: starts on the announced snapshot, rolls out on SIGHUP
    (``request_rollout``), stops everything it started on SIGTERM."""
    import os
    import signal
    import subprocess
    import sys

    from conftest import ROOT

    from alliance_graph.replicas import read_state, request_rollout

    require(have("nginx"), "nginx is not installed: apt-get install nginx")
    snaps = tmp_path / "snaps"
    first = publish_build(Path(project.var_dir), snaps)
    env = {**os.environ, "ALLIANCE_GRAPH_HOME": str(project.home)}
    command = [sys.executable, str(ROOT / "deploy" / "replica_set.py"), "--dir", str(tmp_path / "set")]
    process = subprocess.Popen([*command, "--snapshots", str(snaps)], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "set" / "state.json").exists() and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            time.sleep(0.1)
        state = read_state(tmp_path / "set")
        assert state["serving"] == [first.id, first.id] and state["error"] is None
        second = publish_build(Path(project.var_dir), snaps)
        request_rollout(tmp_path / "set", second, timeout=60)
        assert replica_snapshot(state["spec"]) == second.id
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        with pytest.raises(httpx.HTTPError):
            httpx.get(state["spec"].removeprefix("sparql+"), timeout=2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
