"""What a SPARQL request asks for, read by a real parser before it reaches the engine.

Three decisions rest on this module, and each is taken from rdflib's SPARQL parser and algebra
(``parseQuery``/``parseUpdate`` + ``translateQuery``/``translateUpdate``), never from tokens:

* whether a query names its own dataset (``FROM``/``FROM NAMED``): only a query that names none
  gets the union of the named graphs as its default graph;
* which remote addresses a request would make the engine reach (``SERVICE`` in a query or an
  update's ``WHERE``, ``LOAD`` in an update), so that the service can refuse them;
* how deeply the text nests, checked before any parser runs (a 10,000-deep group crashed the
  engine; rdflib's recursive parser would exhaust the stack).

The parser is slow for big texts (pyparsing), so two shortcuts keep it off the hot path, both
sound: after expanding ``\\u``/``\\U`` escapes (the one transformation the SPARQL grammar applies to
the whole text before tokenising), a text that does not contain the letters ``service`` or
``load`` anywhere cannot contain those keywords, and one without ``from`` cannot name a dataset;
and analyses are cached by text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..namespaces import PREFIXES

#: Deepest nesting of ``{``, ``(`` and ``[`` accepted (real queries stay far below 50).
MAX_NESTING = 200

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FROM_FALLBACK = re.compile(r"\bFROM\s+(NAMED\s+)?[<\w]", re.IGNORECASE)
#: Whether the parser must run to find a FROM clause: the keyword, not ``?from``, ``$from``,
#: ``ag:possibleFrom`` or ``x:from`` (a named question has such names and no FROM; parsing it
#: with rdflib cost its worker 50-400 ms on every first run).
_FROM_KEYWORD = re.compile(r"(?<![\w?$:])from\s*(named\b\s*)?[<\w:]")
#: Strings, IRIs and comments, in the order the SPARQL grammar reads them: a "from" in a comment
#: or a string is no keyword (IRIs are kept: ``FROM <…>`` needs its IRI).
_LEXEMES = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


def _code(text: str) -> str:
    """The text without its strings and comments (each left as one space)."""
    return _LEXEMES.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " ", text)


class QueryTooComplex(ValueError):
    """The text nests deeper than the service evaluates."""


class UnreadableRequest(ValueError):
    """The text names SERVICE or LOAD somewhere and the parser cannot read it, so the safety
    check cannot prove what it would reach; the message has the parser's position."""


@dataclass(frozen=True)
class Analysis:
    """What the parser found: the dataset named by the text and every remote target."""

    names_dataset: bool
    #: (keyword, target) pairs; target is an IRI, or ``?var`` when only known at run time.
    remote: tuple[tuple[str, str], ...]


def expand_escapes(text: str) -> str:
    """The text with SPARQL's codepoint escapes replaced, as the grammar reads it."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code < 0x110000 else match.group(0)

    return _ESCAPE.sub(replace, text)


def nesting(text: str) -> int:
    """The deepest bracket nesting of the text (strings included: an over-estimate is safe)."""
    opened = text.count("{") + text.count("(") + text.count("[")
    if opened <= MAX_NESTING:  # cannot nest deeper than it opens; counting is done in C
        return opened
    depth = deepest = 0
    for char in text:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]" and depth:
            depth -= 1
    return deepest


def check_size(text: str) -> None:
    if nesting(text) > MAX_NESTING:
        raise QueryTooComplex(f"the text nests deeper than {MAX_NESTING} levels; the service does not evaluate it")


def _walk(node: Any) -> Iterator[Any]:
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
        elif hasattr(item, "items") and callable(item.items):
            stack.extend(v for _k, v in item.items())


def _targets(algebra: Any) -> list[tuple[str, str]]:
    from rdflib import Variable

    found: list[tuple[str, str]] = []
    for node in _walk(algebra):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            term = node.get("term")
            found.append(("SERVICE", f"?{term}" if isinstance(term, Variable) else str(term)))
        elif name == "Load":
            found.append(("LOAD", str(node.get("iri"))))
    return found


def _position(exc: Exception) -> str:
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    message = str(getattr(exc, "msg", exc))
    return f"{line}:{col}: {message}" if line is not None else message


@lru_cache(maxsize=2048)
def analyse(text: str, update: bool = False, dataset: bool = True) -> Analysis:
    """The dataset and remote targets of a query (or, with ``update``, an update request);
    with ``dataset=False`` only the remote targets are looked for (the parser then runs only
    for texts that mention SERVICE or LOAD)."""
    check_size(text)
    expanded = expand_escapes(text)
    lowered = expanded.lower()
    maybe_remote = "service" in lowered or (update and "load" in lowered)
    maybe_dataset = dataset and not update and _FROM_KEYWORD.search(_code(lowered)) is not None
    if not maybe_remote and not maybe_dataset:
        return Analysis(False, ())
    from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        if update:
            algebra: Any = translateUpdate(parseUpdate(text), initNs=PREFIXES).algebra
            dataset = False
        else:
            translated = translateQuery(parseQuery(text), initNs=PREFIXES)
            algebra = translated.algebra
            dataset = bool(algebra.get("datasetClause"))
    except RecursionError:
        raise QueryTooComplex("the text nests too deeply for the service to read") from None
    except Exception as exc:  # pyparsing and rdflib raise many kinds; all mean "cannot read"
        if maybe_remote:
            raise UnreadableRequest(
                f"the request mentions SERVICE or LOAD and its safety check cannot read it at {_position(exc)}"
            ) from None
        return Analysis(bool(_FROM_FALLBACK.search(expanded)), ())
    return Analysis(dataset, tuple(_targets(algebra)))


def names_dataset(text: str) -> bool:
    """Whether a query has its own FROM/FROM NAMED (then the union default graph is not used)."""
    try:
        return analyse(text).names_dataset
    except (QueryTooComplex, UnreadableRequest):
        return bool(_FROM_FALLBACK.search(expand_escapes(text)))
