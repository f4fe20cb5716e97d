"""The settings every command shares, parsed from the environment once per process.

``ALLIANCE_GRAPH_HOME`` is the project folder (``ontology/``, ``data/``, ``queries/``); without it,
the checkout this package is installed from (an editable install), else the current directory.
``ALLIANCE_GRAPH_VAR`` is where builds go (default ``<home>/var``).

    >>> s = Settings.from_environ({"ALLIANCE_GRAPH_HOME": "/tmp/project"})
    >>> s.home.as_posix(), s.var_dir.as_posix()
    ('/tmp/project', '/tmp/project/var')
    >>> Settings.from_environ({"ALLIANCE_GRAPH_HOME": "/p", "ALLIANCE_GRAPH_VAR": "/v"}).var_dir.as_posix()
    '/v'

``settings()`` parses ``os.environ`` the first time it is called and returns the same object
afterwards; ``reload()`` parses again (for tests that change the environment in-process).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ONTOLOGY_SOURCE = Path("ontology") / "alliance-graph.ttl"


def _is_project(folder: Path) -> bool:
    return (folder / ONTOLOGY_SOURCE).is_file()


def find_home(cwd: Path | None = None) -> Path:
    """The checkout holding this package (an editable install), else ``cwd``.

    The package's own checkout comes first, so a command run from some other folder that happens
    to contain an ``ontology/`` does not silently switch projects.
    """
    for parent in Path(__file__).resolve().parents:
        if _is_project(parent):
            return parent
    return (cwd or Path.cwd()).resolve()


@dataclass(frozen=True)
class Settings:
    """Where the project's inputs are and where its builds go."""

    home: Path
    var_dir: Path

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        env_home = environ.get("ALLIANCE_GRAPH_HOME")
        home = Path(env_home).resolve() if env_home else find_home()
        env_var = environ.get("ALLIANCE_GRAPH_VAR")
        return cls(home=home, var_dir=Path(env_var) if env_var else home / "var")


_current: Settings | None = None


def settings() -> Settings:
    """The settings of this process, parsed from the environment on first use."""
    global _current
    if _current is None:
        _current = Settings.from_environ(os.environ)
    return _current


def reload() -> Settings:
    """Parse the environment again (tests that point ``ALLIANCE_GRAPH_HOME`` elsewhere)."""
    reload_later()
    return settings()


def reload_later() -> None:
    """Forget the settings; the next ``settings()`` parses the environment again."""
    global _current
    _current = None
