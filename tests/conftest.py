"""Shared fixtures: projects built from fixture data or from the real data/, in temp folders.

Every test that builds points ``ALLIANCE_GRAPH_HOME``/``ALLIANCE_GRAPH_VAR`` at a temp copy, so the
suite never touches the developer's own ``var/`` store.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from alliance_graph.build import build_on_disk, build_remote
from alliance_graph.paths import ProjectPaths
from alliance_graph.remote import RemoteStore
from alliance_graph.store import OxigraphStore, Store, open_current

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


def make_project(tmp: Path, data_dir: Path) -> ProjectPaths:
    """A project folder with the real ontology and queries and the given data files."""
    shutil.copytree(ROOT / "ontology", tmp / "ontology")
    shutil.copytree(ROOT / "queries", tmp / "queries")
    shutil.copytree(data_dir, tmp / "data", ignore=shutil.ignore_patterns("*.md"))
    return ProjectPaths(tmp)


@pytest.fixture
def fixture_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectPaths:
    """A fresh, unbuilt project on the small fixture data; the env points the CLI at it."""
    paths = make_project(tmp_path / "project", FIXTURES / "data")
    monkeypatch.setenv("ALLIANCE_GRAPH_HOME", str(paths.home))
    monkeypatch.delenv("ALLIANCE_GRAPH_VAR", raising=False)
    return paths


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    """The fixture data, built once per session and opened read-only."""
    paths = make_project(tmp_path_factory.mktemp("fixture"), FIXTURES / "data")
    build_on_disk(paths)
    store = open_current(paths.var_dir)
    yield store
    store.close()


#: Set (e.g. by .ci/run) to run the graph, query and service tests a second time on a real SPARQL
#: server: the real data is then built into it, and the service is started on it.
REMOTE = os.environ.get("ALLIANCE_GRAPH_TEST_STORE", "")


@pytest.fixture(scope="session")
def real_paths(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """The real data/, built once per session into a temp var folder (and the remote server)."""
    paths = make_project(tmp_path_factory.mktemp("real"), ROOT / "data")
    build_on_disk(paths)
    if REMOTE:
        build_remote(paths, REMOTE)
    return paths


@pytest.fixture(scope="session")
def real_store(real_paths: ProjectPaths) -> Iterator[Store]:
    store: Store = RemoteStore(REMOTE) if REMOTE else open_current(real_paths.var_dir)
    yield store
    store.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """A failing test shows the log of every service it was talking to."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        from servers import Server

        for server in Server.running:
            report.sections.append((f"server log {server.url}", server.log()))
