"""The SPARQL Protocol's ``using-graph-uri``/``using-named-graph-uri`` for updates.

Oxigraph takes no dataset option for updates, so the protocol parameters are written into the
update as ``USING``/``USING NAMED`` clauses before each top-level ``WHERE`` of a DELETE/INSERT
operation (the short ``DELETE WHERE`` form takes none). An update that already says USING or WITH
conflicts with the parameters and is refused, as the protocol requires.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import URIRef

from .guard import tokens


class DatasetConflict(ValueError):
    """The update names its own dataset (USING/WITH) and the request names one too."""


def add_using(text: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """``text`` with the protocol dataset written in as USING clauses."""
    if not using and not using_named:
        return text
    clause = " ".join(
        [f"USING {URIRef(g).n3()}" for g in using] + [f"USING NAMED {URIRef(g).n3()}" for g in using_named]
    )
    depth = 0
    previous = ""
    inserts: list[int] = []
    for kind, value, offset in tokens(text):
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
        elif depth == 0 and kind == "word":
            word = value.upper()
            if word in {"USING", "WITH"}:
                raise DatasetConflict("using-graph-uri/using-named-graph-uri conflict with USING or WITH")
            if word == "WHERE" and previous != "DELETE":
                inserts.append(offset)
            previous = word
        elif depth == 0:
            previous = value
    for offset in reversed(inserts):
        text = f"{text[:offset]}{clause} {text[offset:]}"
    return text
