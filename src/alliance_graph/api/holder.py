"""The store the service answers from, reopened when a build swaps in a new one.

The build activates a new store by swapping the ``var/current`` symlink; checking the link on each
request costs one ``readlink`` and lets ``alliance-graph build`` refresh a running service without
a restart.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ..remote import RemoteStore, is_remote
from ..store import OxigraphStore, Store, StoreError, StoreLocation


class StoreHolder:
    """Hands out the current store; opens it read-write so SPARQL Update can write to it.

    With a remote store there is nothing to reopen: the server's own graphs are swapped by
    ``alliance-graph build --store ...``.
    """

    def __init__(self, var_dir: Path, spec: str = "oxigraph") -> None:
        self.location = StoreLocation(var_dir)
        self._lock = threading.Lock()
        self._store: OxigraphStore | None = None
        self._target: str | None = None
        self.remote = RemoteStore(spec) if is_remote(spec) else None
        self.generation = 0

    def _link_target(self) -> str | None:
        try:
            return os.readlink(self.location.current)
        except OSError:
            return None

    def get(self) -> Store:
        if self.remote is not None:
            return self.remote
        return self.local()

    def local(self) -> OxigraphStore:
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
