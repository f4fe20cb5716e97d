"""Settings are parsed once, and the project is found without looking at the current folder first."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from alliance_graph import config
from alliance_graph.paths import ProjectPaths, project


def test_the_package_checkout_comes_before_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "alliance-graph.ttl").write_text("")
    assert config.find_home(cwd=tmp_path) == ROOT


def test_settings_are_parsed_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALLIANCE_GRAPH_HOME", str(tmp_path))
    monkeypatch.delenv("ALLIANCE_GRAPH_VAR", raising=False)
    first = config.reload()
    monkeypatch.setenv("ALLIANCE_GRAPH_VAR", str(tmp_path / "elsewhere"))
    assert config.settings() is first
    assert project() == ProjectPaths(tmp_path.resolve(), tmp_path.resolve() / "var")
    assert config.reload().var_dir == tmp_path / "elsewhere"


def test_paths_never_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALLIANCE_GRAPH_VAR", str(tmp_path / "from-env"))
    assert ProjectPaths(tmp_path).var_dir == tmp_path / "var"
