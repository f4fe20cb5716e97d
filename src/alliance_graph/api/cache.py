"""An answer cache keyed on the query, its dataset and the graph's version.

Dashboards ask the same questions again and again; an answer computed once for a given build and
update generation is the same answer until the next build or update, so it can be served from
memory. The key holds the store's location and generation, so every build (a new store) and
every update (a new generation) invalidates what came before; entries are bounded in number and
large answers are not kept.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Hashable

from ..store import Answer

MAX_ENTRIES = 512
MAX_ROWS_CACHED = 5_000


class AnswerCache:
    """A small LRU of answers; answers are copied in and out so callers may change their rows."""

    def __init__(self, entries: int = MAX_ENTRIES) -> None:
        self.entries = entries
        self._data: OrderedDict[Hashable, Answer] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Answer | None:
        answer = self._data.get(key)
        if answer is None:
            self.misses += 1
            return None
        self._data.move_to_end(key)
        self.hits += 1
        return copy.copy(answer)

    def put(self, key: Hashable, answer: Answer) -> None:
        if len(answer.rows) > MAX_ROWS_CACHED or (answer.graph is not None and len(answer.graph) > MAX_ROWS_CACHED):
            return
        self._data[key] = copy.copy(answer)
        self._data.move_to_end(key)
        while len(self._data) > self.entries:
            self._data.popitem(last=False)
