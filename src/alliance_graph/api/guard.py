"""Refuse SPARQL that would make the server fetch remote addresses (SERVICE, LOAD).

Oxigraph follows a ``SERVICE <http://…>`` or ``LOAD <…>`` to any address a caller names,
including ones inside the operator's network. The decision is taken from the parsed request
(:func:`alliance_graph.store.analyse`: rdflib's SPARQL parser and algebra), so escaped strings,
comments, unicode escapes and prefixed or relative IRIs are read as the engine reads them; a
variable target (``SERVICE ?x``) is refused, because it is known only at run time. Names such as
``?service`` or ``ag:load`` are just names. Below this check, the executor's processes run in a
network namespace where no address is reachable, unless the operator allows some.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..store import analyse


class RemoteAccessRefused(PermissionError):
    """The query or update names a remote address the operator did not allow."""


def remote_targets(text: str, *, update: bool = False) -> list[tuple[str, str]]:
    """(keyword, target) for every SERVICE/LOAD the parser finds."""
    return list(analyse(text, update, dataset=False).remote)


def check_remote(text: str, allowed: Sequence[str], *, update: bool = False) -> None:
    """Raise ``RemoteAccessRefused`` unless every SERVICE/LOAD target starts with an allowed
    prefix (``QueryTooComplex``/``UnreadableRequest`` when the text cannot be checked)."""
    for keyword, target in remote_targets(text, update=update):
        if target.startswith("?") or not any(target.startswith(prefix) for prefix in allowed if prefix):
            raise RemoteAccessRefused(
                f"{keyword} <{target}> is refused: this service does not fetch remote addresses "
                "(an operator may allow prefixes with ALLIANCE_GRAPH_REMOTE_ALLOW)"
            )
