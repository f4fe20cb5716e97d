"""Shared fixtures: projects built from fixture data or from the real data/, in temp folders.

Every test that builds points ``ALLIANCE_GRAPH_HOME``/``ALLIANCE_GRAPH_VAR`` at a temp copy, so the
suite never touches the developer's own ``var/`` store.

A test that needs something outside Python (Chromium, Java, the Oxigraph server binary, the
``../shared`` corpus) calls ``require(available, reason)``: it skips with the reason where the
thing is missing, and fails under CI (``CI`` set), where everything must be present.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from alliance_graph import config
from alliance_graph.build import Prepared, build_on_disk, build_remote
from alliance_graph.paths import ProjectPaths
from alliance_graph.remote import RemoteStore
from alliance_graph.store import OxigraphStore, Store, open_current

pytest_plugins = ["ui_browser"]  # the workbench's browser fixtures (view, ui_server)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


def require(available: object, reason: str) -> None:
    """Skip the calling test (or fixture) unless ``available`` is truthy; under CI, fail instead.

    ``reason`` says what is missing and how to get it; pytest prints it in the summary (``-rs``).
    """
    if available:
        return
    _missing(reason)


def _missing(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI runs every test: .ci/run must provide it)", pytrace=False)
    pytest.skip(reason)


def has_java() -> bool:
    import owlready2

    return shutil.which(str(owlready2.JAVA_EXE)) is not None


@pytest.fixture(autouse=True)
def _settings_per_test() -> Iterator[None]:
    """The process settings are parsed once (``config.settings()``); a test that points
    ``ALLIANCE_GRAPH_HOME`` elsewhere gets them parsed again from its own environment."""
    config.reload_later()
    yield
    config.reload_later()


def copy_built(source: Path, target: Path) -> Path:
    """A copy of a built project folder whose ``var/current`` points at the copy's own build."""
    shutil.copytree(source, target, symlinks=True)
    current = target / "var" / "current"
    if current.is_symlink():
        build = Path(os.readlink(current)).relative_to((source / "var").resolve())
        current.unlink()
        current.symlink_to((target / "var" / build).resolve())
    return target


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
def fixture_built(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """The fixture data, built once per session: for tests that only read the build."""
    paths = make_project(tmp_path_factory.mktemp("fixture"), FIXTURES / "data")
    build_on_disk(paths)
    return paths


@pytest.fixture(scope="session")
def fixture_store(fixture_built: ProjectPaths) -> Iterator[OxigraphStore]:
    """The fixture build, opened read-only."""
    store = open_current(fixture_built.var_dir)
    yield store
    store.close()


#: Set (e.g. by .ci/run) to run the graph, query and service tests a second time on a real SPARQL
#: server: the real data is then built into it, and the service is started on it.
REMOTE = os.environ.get("ALLIANCE_GRAPH_TEST_STORE", "")
#: Set (by .ci/run) to the folder of a running replica set (deploy/replica_set.py) whose balancer
#: is REMOTE: the build goes to its writer, is published, and is rolled out to its replicas.
REPLICAS = os.environ.get("ALLIANCE_GRAPH_TEST_REPLICAS", "")


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectPaths, Prepared]:
    """The real data/, built once per session into a temp var folder (and the remote server),
    with what the build computed on the way (compiled files, SHACL findings)."""
    paths = make_project(tmp_path_factory.mktemp("real"), ROOT / "data")
    _target, prepared = build_on_disk(paths)
    if REMOTE:
        build_remote(paths, REMOTE)
    if REPLICAS:
        from alliance_graph.publish import publish_endpoint
        from alliance_graph.replicas import read_state, request_rollout

        state = read_state(Path(REPLICAS))
        request_rollout(Path(REPLICAS), publish_endpoint(state["writer"], Path(state["snapshots"])))
    return paths, prepared


@pytest.fixture(scope="session")
def real_paths(real_build: tuple[ProjectPaths, Prepared]) -> ProjectPaths:
    return real_build[0]


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
