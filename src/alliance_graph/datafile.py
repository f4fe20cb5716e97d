"""The data files' guard rails: a YAML loader that cannot lose a key, "did you mean" suggestions,
and a JSON Schema of ``data/*.yaml`` generated from the ontology for contributors' editors.

PyYAML keeps the last of two equal keys, so a second ``startDate`` or a repeated document key
would vanish without a word. ``load_data_file`` (ruamel.yaml) refuses them with both positions:

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "typo.yaml"
    >>> _ = path.write_text("records:\\n  - id: x\\n    startDate: 2024-01-01\\n    startDate: 2025-01-01\\n")
    >>> load_data_file(path)
    Traceback (most recent call last):
    ...
    alliance_graph.datafile.DataFileError: typo.yaml: line 4, column 5: duplicate key 'startDate' (first at line 3)

Values are read as YAML 1.1 (what PyYAML read before, so ``true``/``yes`` are booleans as they
were) except that dates stay text: a malformed date is then the compiler's error to word, with
the record it is in, instead of a parser crash.

The schema (``alliance-graph data schema``) is picked up by editors that run the YAML language
server (VS Code's YAML extension, Neovim, Helix, ...) from a first-line comment in each file::

    # yaml-language-server: $schema=./schema.json
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, XSD
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from .namespaces import AG
from .ontology import Schema

# ---------------------------------------------------------------------------------------------
# Loading


class DataFileError(ValueError):
    """A data file that cannot be read as data: the message names the file, line and column."""

    def __init__(self, file: str, line: int | None, column: int | None, message: str) -> None:
        self.file, self.line, self.column, self.message = file, line, column, message
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(f"{file}: {where}{message}")


class _DuplicateKeyError(YAMLError):
    def __init__(self, key: str, node: Node, first: Node) -> None:
        super().__init__(key)
        self.key, self.node, self.first = key, node, first


class _DataConstructor(SafeConstructor):
    """Safe YAML; dates stay strings; a mapping with two equal keys is an error."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            seen: dict[str, Node] = {}
            for key_node, _value in node.value:
                if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                    key = str(key_node.value)
                    if key in seen:
                        raise _DuplicateKeyError(key, key_node, seen[key])
                    seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def _timestamp_as_text(constructor: SafeConstructor, node: Any) -> Any:
    return constructor.construct_scalar(node)


_DataConstructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def _parser() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = _DataConstructor
    yaml.version = (1, 1)  # read values exactly as the PyYAML loader this one replaces did
    return yaml


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_data_file(path: Path) -> Any:
    """The content of one data file (``{}`` when empty); ``DataFileError`` names line and column."""
    try:
        with path.open(encoding="utf-8") as handle:
            content = _parser().load(handle)
    except _DuplicateKeyError as exc:
        at, col = _position(exc.node)
        first, _ = _position(exc.first)
        raise DataFileError(path.name, at, col, f"duplicate key {exc.key!r} (first at line {first})") from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line: int | None = mark.line + 1 if mark is not None else None
        column: int | None = mark.column + 1 if mark is not None else None
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise DataFileError(path.name, line, column, problem) from None
    except (YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise DataFileError(path.name, None, None, " ".join(str(exc).split())) from None
    return {} if content is None else content


def read_data_file(path: Path) -> tuple[Any, str | None]:
    """``(content, None)``, or ``(None, problem)`` with the problem's line and column in words.

    The shape of the loader ``compile.py`` calls, so that switching to this one is one line.
    """
    try:
        return load_data_file(path), None
    except DataFileError as exc:
        where = f"line {exc.line}, column {exc.column}: " if exc.line is not None else ""
        return None, where + exc.message


# ---------------------------------------------------------------------------------------------
# Suggestions


def suggest(name: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to a misspelt ``name``, best first (case is ignored for matching).

    >>> suggest("strtDate", ["startDate", "endDate", "announcedDate"])
    ['startDate']
    >>> suggest("state:CNH", ["state:CHN", "state:CHL", "state:USA"])
    ['state:CHN', 'state:CHL']
    >>> suggest("stat:CHN", ["state:CHN", "alliance:brics"])
    ['state:CHN']
    >>> suggest("zzz", ["startDate"])
    []
    """
    pool = list(candidates)
    prefix, colon, local = name.partition(":")
    if colon:  # a prefixed name: compare local names within its prefix (a shared "state:" says nothing)
        same = [c[len(prefix) + 1 :] for c in pool if c.startswith(prefix + ":")]
        found = _closest(local, same, n, cutoff)
        if found:
            return [f"{prefix}:{f}" for f in found]
    return _closest(name, pool, n, cutoff)


def _closest(name: str, candidates: list[str], n: int, cutoff: float) -> list[str]:
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    close = difflib.get_close_matches(name.casefold(), list(by_folded), n=n, cutoff=cutoff)
    return [by_folded[c] for c in close]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A phrase to append to an error message: ``" (did you mean 'x'?)"``, or ``""``.

    >>> did_you_mean("imposr", ["imposer", "target"])
    " (did you mean 'imposer'?)"
    >>> did_you_mean("memberof", ["memberOf", "member"])
    " (did you mean 'memberOf' or 'member'?)"
    """
    found = suggest(name, candidates)
    if not found:
        return ""
    return " (did you mean " + " or ".join(repr(f) for f in found) + "?)"


# ---------------------------------------------------------------------------------------------
# The JSON Schema of data files

SCHEMA_ID = "https://w3id.org/alliance-graph/data/schema.json"

#: Dates as precise as the source: YYYY, YYYY-MM or a YYYY-MM-DD whose day exists in its month
#: (29 February is let through; the compiler checks leap years).
DATE_PATTERN = (
    r"^\d{4}(-(0[1-9]|1[0-2]))?$"
    r"|^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])$"
    r"|^\d{4}-(0[13-9]|1[0-2])-(29|30)$"
    r"|^\d{4}-(0[13578]|1[02])-31$"
    r"|^\d{4}-02-29$"
)
SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
TIERS = ["official", "wire", "press", "other", "aggregator"]
DATE_RANGES = {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.dateTime}
INTEGER_RANGES = {XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger, XSD.positiveInteger}
NUMBER_RANGES = {XSD.decimal, XSD.double, XSD.float}
#: Keys of reused vocabularies the compiler accepts besides the ``ag:`` properties.
ALIAS_KEYS = {
    "member": "iri",
    "organization": "iri",
    "subOrganizationOf": "iri",
    "broader": "iri",
    "label": "text",
    "altLabel": "text",
    "note": "text",
}


def _iri_pattern(states: Iterable[str]) -> str:
    """A prefixed name; a ``state:`` one must be an ISO 3166-1 alpha-3 code that exists."""
    codes = "|".join(sorted(states))
    return rf"^(?!state:)[a-z][a-z0-9]*:[^\s:]\S*$|^state:({codes})$"


def _one_or_many(item: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [item, {"type": "array", "items": item, "minItems": 1}]}


def _definitions(states: Iterable[str]) -> dict[str, Any]:
    text = {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {
                    "text": {"type": "string"},
                    "lang": {"type": "string"},
                    "until": {"$ref": "#/$defs/date"},
                },
                "required": ["text"],
                "additionalProperties": False,
            },
        ]
    }
    return {
        "date": {
            "description": "YYYY-MM-DD, YYYY-MM or YYYY",
            # an unquoted year is a YAML integer
            "anyOf": [
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
        },
        "iri": {"type": "string", "pattern": _iri_pattern(states), "description": "a prefixed name, e.g. state:CHN"},
        "text": text,
        "document": {
            "type": "object",
            "description": "One page or file that facts are cited from (src:<key>).",
            "properties": {
                "url": {"type": "string", "format": "uri", "pattern": r"^https?://"},
                "title": {"type": "string", "minLength": 1},
                "publisher": {"type": "string", "minLength": 1},
                "tier": {"enum": TIERS},
                "language": {"type": "string", "pattern": r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
                "published": {"$ref": "#/$defs/date"},
                "retrieved": {"$ref": "#/$defs/date"},
            },
            "required": ["url", "title", "publisher", "tier"],
            "additionalProperties": False,
        },
        "citation": {
            "type": "object",
            "description": "A quote (at most 25 words) from a document that backs the record.",
            "properties": {
                "doc": {"type": "string", "pattern": SLUG_PATTERN},
                "quote": {"type": "string", "minLength": 1},
                "supports": _one_or_many({"type": "string"}),
            },
            "required": ["doc", "quote"],
            "additionalProperties": False,
        },
        "source": {
            "type": "object",
            "description": "Format v1 (being replaced by documents and citations).",
            "properties": {
                "url": {"type": "string", "pattern": r"^https?://"},
                "title": {"type": "string"},
                "publisher": {"type": "string"},
                "published": {"$ref": "#/$defs/date"},
                "retrieved": {"$ref": "#/$defs/date"},
                "quote": {"type": "string"},
            },
            "required": ["url", "title", "publisher", "quote"],
            "additionalProperties": False,
        },
    }


def _value_schema(kind: str) -> dict[str, Any]:
    return _one_or_many({"$ref": f"#/$defs/{kind}"} if kind in ("iri", "text", "date") else {"type": kind})


def _property_kind(is_object: bool, rng: URIRef | None) -> str:
    if is_object:
        return "iri"
    if rng in DATE_RANGES:
        return "date"
    if rng in INTEGER_RANGES:
        return "integer"
    if rng in NUMBER_RANGES:
        return "number"
    if rng == XSD.boolean:
        return "boolean"
    if rng in (RDF.langString, XSD.string, None):
        return "text"
    return "string"


def data_schema(schema: Schema, states: Iterable[str]) -> dict[str, Any]:
    """The JSON Schema of a data file, from the ontology's classes and (non-derived) properties
    and the structural keys of the format: ``documents``, ``records``, ``citations``.

    ``schema`` is an ``ontology.Schema``; ``states`` the ISO alpha-3 codes a ``state:`` may use.
    Checks that need more than one file (does a cited document exist, is a rank within its
    index) stay with the compiler and the SHACL shapes.
    """
    local = len(str(AG))
    properties: dict[str, Any] = {}
    for iri, info in sorted(schema.properties.items()):
        if str(iri).startswith(str(AG)) and not info.derived:
            name = str(iri)[local:]
            entry = _value_schema(_property_kind(info.is_object, info.range))
            comment = schema.ontology.value(iri, RDFS.label)
            if comment is not None:
                entry["description"] = str(comment)
            properties[name] = entry
    for name, kind in ALIAS_KEYS.items():
        properties[name] = _value_schema(kind)
    # A former name is a node of its own in the graph, written inline: {text, lang, until}.
    properties["formerName"] = _value_schema("text")
    classes = sorted(str(c)[local:] for c in schema.classes if str(c).startswith(str(AG)))
    properties.update(
        {
            "id": {"$ref": "#/$defs/iri"},
            "a": _one_or_many({"enum": classes}),
            "wikidata": {"type": "string", "pattern": r"^Q[1-9]\d*$"},
            "citations": {"type": "array", "items": {"$ref": "#/$defs/citation"}, "minItems": 1},
            "sources": {"type": "array", "items": {"type": "string", "pattern": SLUG_PATTERN}, "minItems": 1},
        }
    )
    facts = sorted(_fact_classes(schema))
    is_fact = {"anyOf": [{"enum": facts}, {"type": "array", "contains": {"enum": facts}}]}
    dated = {
        "anyOf": [
            {"required": ["startDate"]},
            {"required": ["announcedDate"]},
            {"required": ["dateUnknown"], "properties": {"dateUnknown": {"const": True}}},
        ]
    }
    record = {
        "type": "object",
        "properties": properties,
        # prefixed names of reused vocabularies (e.g. "dct:subject") are keys the compiler accepts
        "patternProperties": {r"^[a-z][a-z0-9]*:[A-Za-z]\w*$": {}},
        "additionalProperties": False,
        "required": ["id", "a"],
        "allOf": [
            {"anyOf": [{"required": ["citations"]}, {"required": ["sources"]}]},
            {"if": {"properties": {"a": is_fact}, "required": ["a"]}, "then": dated},
        ],
    }
    definitions = _definitions(states)
    definitions["record"] = record
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "AI Alliance Graph data file",
        "description": "Generated from the ontology by 'alliance-graph data schema'; do not edit by hand.",
        "type": "object",
        "properties": {
            "documents": {
                "type": "object",
                "propertyNames": {"pattern": SLUG_PATTERN},
                "additionalProperties": {"$ref": "#/$defs/document"},
            },
            "sources": {
                "type": "object",
                "description": "Format v1; use documents and citations.",
                "propertyNames": {"pattern": SLUG_PATTERN},
                "additionalProperties": {"$ref": "#/$defs/source"},
            },
            "records": {"type": "array", "items": {"$ref": "#/$defs/record"}},
            "publishers": {
                "type": "object",
                "description": "Outlets: their name, other spellings, kind and default reliability tier.",
                "propertyNames": {"pattern": SLUG_PATTERN},
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "aliases": {"type": "array", "items": {"type": "string"}},
                        "kind": {"type": "string"},
                        "tier": {"enum": ["official", "wire", "press", "other", "aggregator"]},
                    },
                    "required": ["name"],
                    "additionalProperties": False,
                },
            },
        },
        "additionalProperties": False,
        "$defs": definitions,
    }


def _fact_classes(schema: Schema) -> set[str]:
    """Local names of ``ag:Fact`` and its subclasses (the records that must carry a date)."""
    local = len(str(AG))
    found = {AG.Fact}
    frontier = [AG.Fact]
    while frontier:
        for sub in schema.ontology.subjects(RDFS.subClassOf, frontier.pop()):
            if isinstance(sub, URIRef) and sub not in found:
                found.add(sub)
                frontier.append(sub)
    return {str(c)[local:] for c in found if str(c).startswith(str(AG))}


_SCHEMA_COMMENT = re.compile(r"^#\s*yaml-language-server:\s*\$schema=")


def has_schema_comment(text: str) -> bool:
    """Whether a data file's first line points editors at the schema.

    >>> has_schema_comment("# yaml-language-server: $schema=./schema.json\\nrecords: []\\n")
    True
    """
    first = text.split("\n", 1)[0]
    return bool(_SCHEMA_COMMENT.match(first))
