"""Names: every entity findable by any of its names, in any script (issue 13).

``normalise`` turns a name into a comparison key; ``index`` finds entities by key, prefix,
trigram and fuzzy score and says why each one matched; ``collect`` reads the names out of the
graph. The index is computed from the graph itself, so it is as current as the store it serves.
"""

from .index import Match, NameIndex, Resolution
from .normalise import name_key

__all__ = ["Match", "NameIndex", "Resolution", "name_key"]
