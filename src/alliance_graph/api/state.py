"""What every router shares: settings, the store holder, the catalogue, and query execution.

Queries run in worker processes (killed when they overrun, see ``workers``); short bounded work on
the service's own store handle (updates, parameter checks, evidence look-ups) runs in threads,
with a limiter on how many at once. Either way a slow request answers 503 with a message, never a
truncated 200.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import anyio

from ..queries import NamedQuery, load_catalogue
from ..store import Answer, OxigraphStore, QueryTimeout, Store
from .cache import AnswerCache
from .config import Settings
from .holder import StoreHolder
from .workers import QueryWorkers

T = TypeVar("T")


@dataclass
class ServiceState:
    settings: Settings
    holder: StoreHolder
    catalogue: dict[str, NamedQuery]
    limiter: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(4))
    workers: QueryWorkers = field(default_factory=QueryWorkers)
    cache: AnswerCache = field(default_factory=AnswerCache)

    @classmethod
    def create(cls, settings: Settings) -> ServiceState:
        return cls(settings, StoreHolder(settings.var_dir, settings.store), load_catalogue(settings.queries_dir))

    def store(self) -> Store:
        return self.holder.get()

    def deadline(self) -> float:
        return time.monotonic() + self.settings.query_timeout

    async def query(
        self,
        text: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        max_rows: int | None = None,
    ) -> Answer:
        """Run a query in a worker process that is killed if it overruns the time limit (or, on a
        remote server, over HTTP with the time limit as the request's timeout)."""
        store = self.store()
        if not isinstance(store, OxigraphStore) or store.path is None:
            return await self.run(
                lambda deadline: store.query(
                    text, default_graphs=default_graphs, named_graphs=named_graphs, max_rows=max_rows, deadline=deadline
                )
            )
        key = (
            store.location,
            self.holder.generation,
            text,
            tuple(default_graphs or ()),
            tuple(named_graphs or ()),
            max_rows,
        )
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        answer = await self.workers.query(
            store.path,
            self.holder.generation,
            text,
            self.settings.query_timeout,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            max_rows=max_rows,
        )
        self.cache.put(key, answer)
        return answer

    async def run(self, work: Callable[[float], T]) -> T:
        """Run ``work(deadline)`` in a worker thread; raise ``QueryTimeout`` past the deadline."""
        deadline = self.deadline()
        try:
            return await asyncio.wait_for(
                anyio.to_thread.run_sync(work, deadline, limiter=self.limiter),
                timeout=self.settings.query_timeout + 0.05,
            )
        except TimeoutError:
            raise QueryTimeout(
                f"the query ran past the {self.settings.query_timeout:g} s time limit and was stopped"
            ) from None
