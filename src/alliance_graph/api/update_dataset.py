"""The SPARQL Protocol's ``using-graph-uri``/``using-named-graph-uri`` for updates.

Oxigraph takes no dataset option for updates, so the protocol parameters are written into the
update as ``USING``/``USING NAMED`` clauses before each top-level ``WHERE`` of a DELETE/INSERT
operation (the short ``DELETE WHERE`` form takes none). An update that already says USING or WITH
conflicts with the parameters and is refused, as the protocol requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rdflib import URIRef

from ..namespaces import is_valid_iri

_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                  |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
      | (?P<other>\S)""",
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of every SPARQL token that is not a comment or a string: enough to
    find where an update's top-level WHERE begins (the service's safety check does not use it)."""
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in {"comment", "string"}:
            yield kind, match.group(), match.start()


class DatasetConflict(ValueError):
    """The update names its own dataset (USING/WITH) and the request names one too."""


def add_using(text: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """``text`` with the protocol dataset written in as USING clauses."""
    if not using and not using_named:
        return text
    for iri in (*using, *using_named):
        if not is_valid_iri(iri):
            raise DatasetConflict(f"{iri!r} is not a valid graph IRI")
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
