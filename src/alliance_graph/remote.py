"""Kept so that ``from alliance_graph.remote import ...`` keeps working: the remote backend now
lives in :mod:`alliance_graph.store.remote`."""

from .store.remote import CHUNK, SCHEME, STAGING, RemoteStore, is_remote

__all__ = ["CHUNK", "SCHEME", "STAGING", "RemoteStore", "is_remote"]
