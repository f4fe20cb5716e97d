"""Compile the human-edited YAML of ``data/`` into RDF, one named graph per file.

The record format is driven by the ontology: a key is the local name of an ``ag:`` property (or one
of a few aliases for reused vocabularies), and the property's range says how to read the value.
An ontology engineer who adds a property can therefore use it in data at once. Errors are collected
for every file and record, each naming the file, the record and the key, so that one run shows
everything a contributor has to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .datafile import read_data_file
from .namespaces import AG, ORG, PREFIXES, SDO, WD, expand
from .ontology import PropertyInfo, Schema

MAX_QUOTE_WORDS = 25

#: Keys that name terms of reused vocabularies rather than ``ag:`` properties.
ALIASES: dict[str, PropertyInfo] = {
    "member": PropertyInfo(ORG.member, True, None, False),
    "organization": PropertyInfo(ORG.organization, True, None, False),
    "subOrganizationOf": PropertyInfo(ORG.subOrganizationOf, True, None, False),
    "broader": PropertyInfo(SKOS.broader, True, None, False),
    "label": PropertyInfo(RDFS.label, False, RDF.langString, False),
    "altLabel": PropertyInfo(SKOS.altLabel, False, RDF.langString, False),
    "note": PropertyInfo(RDFS.comment, False, RDF.langString, False),
}
SOURCE_KEYS = {"url", "title", "publisher", "published", "retrieved", "quote"}
REQUIRED_SOURCE_KEYS = {"url", "title", "publisher", "quote"}

_YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^\d{4}$")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class CompileError:
    """One problem in one data file, with enough context for a contributor to find it."""

    file: str
    record: str
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.record}"
        if self.key:
            where += f": {self.key}"
        return f"{where}: {self.message}"


@dataclass
class CompiledFile:
    """The RDF of one data file and the subjects it defines."""

    stem: str
    path: Path
    graph: Graph
    records: dict[URIRef, str] = field(default_factory=dict)


@dataclass
class Compilation:
    """All data files compiled, plus the outside-vocabulary links that reasoning never sees."""

    files: list[CompiledFile]
    mappings: Graph
    errors: list[CompileError]

    def record_locations(self) -> dict[URIRef, tuple[str, str]]:
        """IRI of a record or source → (file name, record id), to name them in reports."""
        return {iri: (compiled.path.name, rid) for compiled in self.files for iri, rid in compiled.records.items()}


def parse_date(value: object) -> Literal:
    """A date of a data file: a full date, a year-month or a year, typed by its precision."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value!r} has a time; give a date")
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    text = str(value).strip()
    if _YEAR_MONTH.match(text):
        return Literal(text, datatype=XSD.gYearMonth)
    if _YEAR.match(text):
        return Literal(text, datatype=XSD.gYear)
    try:
        return Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)") from None


def _literal(info: PropertyInfo, value: Any) -> Literal:
    rng = info.range
    if rng == XSD.date:
        return parse_date(value)
    if rng == XSD.integer:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not an integer")
        return Literal(value, datatype=XSD.integer)
    if rng == XSD.decimal:
        try:
            return Literal(Decimal(str(value)), datatype=XSD.decimal)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    if rng == XSD.boolean:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return Literal(value)
    if rng == XSD.anyURI:
        return Literal(str(value), datatype=XSD.anyURI)
    if isinstance(value, dict | list):
        raise ValueError("expected text")
    if rng == RDF.langString:
        return Literal(str(value), lang="en")
    return Literal(str(value))


def _term(info: PropertyInfo, value: Any) -> URIRef | Literal:
    if info.is_object:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a prefixed name")
        return expand(value)
    return _literal(info, value)


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class _FileCompiler:
    """Compiles one file; collects its errors instead of stopping at the first."""

    def __init__(self, schema: Schema, path: Path, source_keys: set[str]) -> None:
        self.schema = schema
        self.path = path
        self.source_keys = source_keys
        self.errors: list[CompileError] = []
        self.compiled = CompiledFile(path.stem, path, Graph())
        self.mappings = Graph()

    def error(self, record: str, key: str, message: str) -> None:
        self.errors.append(CompileError(self.path.name, record, key, message))

    def resolve_key(self, key: str) -> PropertyInfo | None:
        if key in ALIASES:
            return ALIASES[key]
        prop = expand(key) if ":" in key else AG[key]
        return self.schema.properties.get(prop)

    def compile_sources(self, sources: Any) -> None:
        if not isinstance(sources, dict):
            self.error("sources", "", "must be a mapping of source keys to sources")
            return
        graph = self.compiled.graph
        for key, src in sources.items():
            rid = f"source {key}"
            if not isinstance(src, dict):
                self.error(rid, "", "must be a mapping")
                continue
            iri = URIRef(PREFIXES["src"] + str(key))
            self.compiled.records[iri] = rid
            for missing in sorted(REQUIRED_SOURCE_KEYS - src.keys()):
                self.error(rid, missing, "is required on every source")
            for unknown in sorted(src.keys() - SOURCE_KEYS):
                self.error(rid, unknown, f"unknown key (allowed: {', '.join(sorted(SOURCE_KEYS))})")
            if "published" not in src and "retrieved" not in src:
                self.error(rid, "published", "give published, or retrieved where the page has no date")
            graph.add((iri, RDF.type, AG.Source))
            if "url" in src:
                graph.add((iri, AG.url, Literal(str(src["url"]), datatype=XSD.anyURI)))
            if "title" in src:
                graph.add((iri, DCTERMS.title, Literal(str(src["title"]))))
                graph.add((iri, RDFS.label, Literal(str(src["title"]), lang="en")))
            if "publisher" in src:
                graph.add((iri, AG.publisher, Literal(str(src["publisher"]))))
            for key_name, prop in (("published", AG.published), ("retrieved", AG.retrieved)):
                if key_name in src:
                    try:
                        graph.add((iri, prop, parse_date(src[key_name])))
                    except ValueError as exc:
                        self.error(rid, key_name, str(exc))
            if "quote" in src:
                quote = " ".join(str(src["quote"]).split())
                words = len(quote.split())
                if words > MAX_QUOTE_WORDS:
                    self.error(rid, "quote", f"has {words} words; at most {MAX_QUOTE_WORDS}")
                graph.add((iri, AG.quote, Literal(quote)))

    def compile_record(self, index: int, record: Any) -> None:
        if not isinstance(record, dict) or "id" not in record:
            self.error(f"record #{index + 1}", "id", "every record needs an id")
            return
        rid = str(record["id"])
        try:
            subject = expand(rid)
        except ValueError as exc:
            self.error(rid, "id", str(exc))
            return
        if rid.split(":", 1)[0] in {"state", "tech", "role", "src"}:
            self.error(rid, "id", "states, technologies, roles and sources are not records")
            return
        self.compiled.records[subject] = rid
        graph = self.compiled.graph
        if "a" not in record:
            self.error(rid, "a", "every record needs a class")
        if "sources" not in record:
            self.error(rid, "sources", "every record needs at least one source")
        for key, value in record.items():
            if key == "id" or value is None:
                continue
            if key == "a":
                for cls in _values(value):
                    cls_iri = expand(cls) if ":" in str(cls) else AG[str(cls)]
                    if cls_iri not in self.schema.classes:
                        self.error(rid, "a", f"{cls!r} is not a class of the ontology")
                    graph.add((subject, RDF.type, cls_iri))
            elif key == "sources":
                for src in _values(value):
                    if str(src) not in self.source_keys:
                        self.error(rid, "sources", f"no source has the key {src!r}")
                    graph.add((subject, PROV.wasDerivedFrom, URIRef(PREFIXES["src"] + str(src))))
            elif key == "wikidata":
                for qid in _values(value):
                    if not re.match(r"^Q\d+$", str(qid)):
                        self.error(rid, key, f"{qid!r} is not a Wikidata id (Q followed by digits)")
                    self.mappings.add((subject, SDO.sameAs, WD[str(qid)]))
            else:
                self.compile_value(rid, subject, key, value)

    def compile_value(self, rid: str, subject: URIRef, key: str, value: Any) -> None:
        try:
            info = self.resolve_key(key)
        except ValueError as exc:
            self.error(rid, key, str(exc))
            return
        if info is None:
            self.error(rid, key, "unknown key: not an ag: property of the ontology nor an alias")
            return
        if info.derived:
            self.error(rid, key, "is derived by the build; never assert it in data")
            return
        for item in _values(value):
            try:
                self.compiled.graph.add((subject, info.iri, _term(info, item)))
            except ValueError as exc:
                self.error(rid, key, str(exc))


class _DataLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text, so a bad one is our error to word."""


_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(path: Path) -> tuple[Any, str | None]:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_DataLoader) or {}, None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return None, " ".join(str(exc).split())


def compile_files(schema: Schema, paths: Iterable[Path]) -> Compilation:
    """Compile data files together: source keys and record ids are global across files."""
    loaded: list[tuple[Path, Any]] = []
    errors: list[CompileError] = []
    for path in paths:
        content, problem = read_data_file(path)  # duplicate keys are errors, with line and column
        if problem is not None:
            errors.append(CompileError(path.name, "(file)", "", f"not valid YAML: {problem}"))
        elif not isinstance(content, dict) or not content.keys() <= {"sources", "records"}:
            errors.append(CompileError(path.name, "(file)", "", "top level must have only sources and records"))
        else:
            loaded.append((path, content))
    source_keys: set[str] = set()
    source_owner: dict[str, str] = {}
    for path, content in loaded:
        for key in content.get("sources") or {}:
            if str(key) in source_owner:
                errors.append(CompileError(path.name, f"source {key}", "", f"also defined in {source_owner[key]}"))
            elif not _SLUG.match(str(key)):
                errors.append(CompileError(path.name, f"source {key}", "", "keys are slugs"))
            source_owner[str(key)] = path.name
            source_keys.add(str(key))
    files: list[CompiledFile] = []
    mappings = Graph()
    owner: dict[URIRef, str] = {}
    for path, content in loaded:
        compiler = _FileCompiler(schema, path, source_keys)
        compiler.compile_sources(content.get("sources") or {})
        records = content.get("records") or []
        if not isinstance(records, list):
            compiler.error("records", "", "must be a list of records")
            records = []
        for index, record in enumerate(records):
            compiler.compile_record(index, record)
        for iri, rid in compiler.compiled.records.items():
            if iri in owner and not rid.startswith("source "):
                compiler.error(rid, "id", f"also defined in {owner[iri]}")
            owner[iri] = path.name
        errors.extend(compiler.errors)
        files.append(compiler.compiled)
        mappings += compiler.mappings
    return Compilation(files, mappings, errors)
