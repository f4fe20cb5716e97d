"""Where the project's inputs live and where the built store goes.

The CLI and service run from a checkout; ``ALLIANCE_GRAPH_HOME`` points elsewhere (tests use it to
build from fixture copies without touching the real ``data/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _default_home() -> Path:
    env = os.environ.get("ALLIANCE_GRAPH_HOME")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in [Path.cwd(), *here.parents]:
        if (parent / "ontology" / "alliance-graph.ttl").is_file():
            return parent
    return Path.cwd()


@dataclass(frozen=True)
class ProjectPaths:
    """The folders of one project checkout."""

    home: Path

    @property
    def ontology_dir(self) -> Path:
        return self.home / "ontology"

    @property
    def ontology_file(self) -> Path:
        return self.ontology_dir / "alliance-graph.ttl"

    @property
    def vocabularies_file(self) -> Path:
        return self.ontology_dir / "vocabularies.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def mappings_file(self) -> Path:
        return self.ontology_dir / "mappings.ttl"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def queries_dir(self) -> Path:
        return self.home / "queries"

    @property
    def var_dir(self) -> Path:
        return Path(os.environ.get("ALLIANCE_GRAPH_VAR", self.home / "var"))

    def data_files(self) -> list[Path]:
        return sorted(self.data_dir.glob("*.yaml"))


def project() -> ProjectPaths:
    """The paths of the current project."""
    return ProjectPaths(_default_home())
