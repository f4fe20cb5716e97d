"""Where builds live on disk: one folder per build under ``var/stores`` and a ``current`` symlink.

Builds are atomic on disk: each build writes a fresh store directory and then swaps the
``current`` symlink to it in one rename, so a failed build leaves the previous store serving.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

from .base import StoreError
from .embedded import OxigraphStore


class StoreLocation:
    """The on-disk home of Oxigraph stores: one folder per build and a ``current`` symlink."""

    def __init__(self, var_dir: Path) -> None:
        self.root = var_dir / "stores"
        self.current = var_dir / "current"

    def new_build_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = self.root / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
        return path

    def current_dir(self) -> Path | None:
        if self.current.is_symlink() or self.current.exists():
            target = self.current.resolve()
            return target if target.exists() else None
        return None

    def activate(self, build_dir: Path) -> None:
        """Point ``current`` at ``build_dir`` atomically, then remove builds older than the
        previous one (kept so that a server still reading it is not pulled from under)."""
        previous = self.current_dir()
        link = self.current.with_name(self.current.name + ".swap")
        with suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(build_dir.resolve())
        os.replace(link, self.current)
        self.prune(keep={build_dir.resolve(), *([previous] if previous else [])})

    def prune(self, keep: set[Path]) -> None:
        for old in self.iter_builds():
            if old.resolve() not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def iter_builds(self) -> Iterator[Path]:
        if self.root.is_dir():
            yield from (p for p in self.root.iterdir() if p.is_dir())


def open_current(var_dir: Path, *, read_only: bool = True) -> OxigraphStore:
    """Open the store the last successful build activated."""
    location = StoreLocation(var_dir)
    path = location.current_dir()
    if path is None:
        raise StoreError(f"no graph has been built yet under {var_dir}: run 'alliance-graph build'")
    return OxigraphStore(path, read_only=read_only)
