"""Refuse SPARQL that would make the server fetch remote addresses (SERVICE, LOAD).

Oxigraph would follow a ``SERVICE <http://…>`` or ``LOAD <…>`` to any address a caller names,
including ones inside the operator's network; the service refuses them unless the target starts
with an operator-allowed prefix. The scan drops comments, strings and IRIs that are not the
keyword's own argument, so ``"SERVICE"`` in a literal is not mistaken for the keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
      | (?P<other>\S)""",
    re.VERBOSE | re.DOTALL,
)
_REMOTE_KEYWORDS = {"SERVICE", "LOAD"}


class RemoteAccessRefused(PermissionError):
    """The query or update names a remote address the operator did not allow."""


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of every SPARQL token that is not a comment or a string."""
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in {"comment", "string"}:
            yield kind, match.group(), match.start()


def remote_targets(text: str) -> list[tuple[str, str]]:
    """(keyword, target) for every SERVICE/LOAD; target is the IRI or ``?var``/``(unknown)``."""
    found: list[tuple[str, str]] = []
    pending: str | None = None
    for kind, value, _offset in tokens(text):
        if pending is not None:
            if kind == "word" and value.upper() in {"SILENT"}:
                continue
            found.append((pending, value[1:-1] if kind == "iri" else value))
            pending = None
        if kind == "word" and value.upper() in _REMOTE_KEYWORDS:
            pending = value.upper()
    if pending is not None:
        found.append((pending, "(unknown)"))
    return found


def check_remote(text: str, allowed: Sequence[str]) -> None:
    """Raise ``RemoteAccessRefused`` unless every SERVICE/LOAD target is allowed."""
    for keyword, target in remote_targets(text):
        if not any(target.startswith(prefix) for prefix in allowed if prefix):
            raise RemoteAccessRefused(
                f"{keyword} <{target}> is refused: this service does not fetch remote addresses "
                "(an operator may allow prefixes with ALLIANCE_GRAPH_REMOTE_ALLOW)"
            )
