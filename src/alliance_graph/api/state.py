"""What every router shares: settings, the store holder, the catalogue, and query execution.

Queries run in worker threads with a deadline: the store checks it between rows, and the request
stops waiting at the same moment, so a slow query answers 503 with a message rather than a
truncated 200. A limiter bounds how many queries run at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import anyio

from ..queries import NamedQuery, load_catalogue
from ..store import OxigraphStore, QueryTimeout
from .config import Settings
from .holder import StoreHolder

T = TypeVar("T")


@dataclass
class ServiceState:
    settings: Settings
    holder: StoreHolder
    catalogue: dict[str, NamedQuery]
    limiter: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(4))

    @classmethod
    def create(cls, settings: Settings) -> ServiceState:
        return cls(settings, StoreHolder(settings.var_dir), load_catalogue(settings.queries_dir))

    def store(self) -> OxigraphStore:
        return self.holder.get()

    def deadline(self) -> float:
        return time.monotonic() + self.settings.query_timeout

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
                f"the query ran past the {self.settings.query_timeout:g} s limit and was stopped"
            ) from None
