"""Where the project's inputs live and where the built store goes.

A ``ProjectPaths`` is a plain value: its folders follow from ``home`` (and ``var``, default
``home/var``) alone, never from the environment. ``project()`` is the one place that reads the
process settings (``config.settings()``: ``ALLIANCE_GRAPH_HOME``, ``ALLIANCE_GRAPH_VAR``).

    >>> paths = ProjectPaths(Path("/p"))
    >>> paths.ontology_file.as_posix(), paths.var_dir.as_posix()
    ('/p/ontology/alliance-graph.ttl', '/p/var')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import settings


@dataclass(frozen=True)
class ProjectPaths:
    """The folders of one project checkout."""

    home: Path
    var: Path | None = None

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
        return self.var if self.var is not None else self.home / "var"

    def data_files(self) -> list[Path]:
        return sorted(self.data_dir.glob("*.yaml"))


def project() -> ProjectPaths:
    """The paths of the current project, from the settings parsed once per process."""
    current = settings()
    return ProjectPaths(current.home, current.var_dir)
