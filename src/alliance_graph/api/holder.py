"""The store the service answers from, reopened when a build swaps in a new one.

The build activates a new store by swapping the ``var/current`` symlink; checking the link on each
request costs one ``readlink`` and lets ``alliance-graph build`` refresh a running service without
a restart.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ..store import OxigraphStore, StoreError, StoreLocation


class StoreHolder:
    """Hands out the current store; opens it read-write so SPARQL Update can write to it."""

    def __init__(self, var_dir: Path) -> None:
        self.location = StoreLocation(var_dir)
        self._lock = threading.Lock()
        self._store: OxigraphStore | None = None
        self._target: str | None = None
        self.generation = 0

    def _link_target(self) -> str | None:
        try:
            return os.readlink(self.location.current)
        except OSError:
            return None

    def get(self) -> OxigraphStore:
        target = self._link_target()
        if target is None:
            raise StoreError(f"no graph has been built yet under {self.location.current.parent}")
        if self._store is not None and target == self._target:
            return self._store
        with self._lock:
            if self._store is None or target != self._target:
                fresh = OxigraphStore(Path(target))
                old = self._store
                self._store, self._target = fresh, target
                self.generation += 1
                if old is not None:
                    old.close()
        assert self._store is not None
        return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
