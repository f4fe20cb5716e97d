"""What every router shares: settings, the executor, and the catalogue of named questions."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from ..queries import NamedQuery, load_catalogue
from .config import Settings
from .executor import Executor, Limits


@dataclass
class ServiceState:
    settings: Settings
    executor: Executor
    catalogue: dict[str, NamedQuery]

    @classmethod
    def create(cls, settings: Settings) -> ServiceState:
        limits = Limits(
            query_timeout=settings.query_timeout,
            update_timeout=settings.update_timeout,
            readers=settings.readers,
            client_concurrency=settings.client_concurrency,
            queue_timeout=settings.query_timeout,
            max_answer_bytes=settings.max_answer_bytes,
            cache_bytes=settings.cache_bytes if settings.answer_cache else 0,
            remote_allow=settings.remote_allow,
        )
        executor = Executor(settings.store, settings.var_dir, limits)
        return cls(settings, executor, load_catalogue(settings.queries_dir))


def client_of(request: Request) -> str:
    """Who a request comes from, for the per-client limit: its peer address."""
    return request.client.host if request.client else "unknown"
