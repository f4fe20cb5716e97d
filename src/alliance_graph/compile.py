"""Compile the human-edited YAML of ``data/`` into RDF, one named graph per file.

The record format is driven by the ontology: a key is the local name of an ``ag:`` property (or one
of a few aliases for reused vocabularies), and the property's range says how to read the value.
An ontology engineer who adds a property can therefore use it in data at once. Errors are collected
for every file and record, each naming the file, the record and the key, so that one run shows
everything a contributor has to fix.

Format v2 (``data/README.md``): a file has ``documents:`` (one per page: ``src:<key>``, a
``ag:Document`` with its publisher and reliability tier), ``records:`` each with ``citations:``
(a ``ag:Citation`` node per quote, and ``prov:wasDerivedFrom`` to the document so that evidence is
one hop away), and, in ``publishers.yaml``, ``publishers:`` (one node per outlet; a document's
publisher name resolves through the names and aliases).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .datafile import read_data_file
from .namespaces import AG, ID_BASE, ORG, PREFIXES, SDO, WD, expand, shorten
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
DOCUMENT_KEYS = {"url", "title", "publisher", "tier", "language", "published", "retrieved"}
REQUIRED_DOCUMENT_KEYS = {"url", "title", "publisher"}
CITATION_KEYS = {"doc", "quote", "supports"}
PUBLISHER_KEYS = {"name", "aliases", "kind", "tier"}
TIERS = ("official", "wire", "press", "other", "aggregator")
TOP_LEVEL = {"documents", "records", "publishers"}
#: Keys of format v1 and what replaces them.
OLD_KEYS = {
    "sources": "format v1: give citations: [{doc: <document key>, quote: ...}] (documents: defines the pages)",
    "participant": "format v1: give the parties (partyA/partyB, or party for a side-less instrument) and mentions",
    "counterpart": "format v1: give the parties (partyA/partyB, or party for a side-less instrument) and mentions",
}

_YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^\d{4}$")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def slug(text: str) -> str:
    """A lowercase-hyphenated slug of a name (publisher keys minted for unlisted outlets)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def _name_key(text: str) -> str:
    return " ".join(str(text).casefold().split())


@dataclass
class Registry:
    """What every file may refer to: documents by key (with their URL) and publishers by name."""

    documents: dict[str, str] = field(default_factory=dict)
    publishers: dict[str, URIRef] = field(default_factory=dict)
    minted: dict[str, URIRef] = field(default_factory=dict)

    def publisher(self, name: str) -> tuple[URIRef, bool]:
        """The publisher node of a name or alias, and whether it had to be minted."""
        key = _name_key(name)
        if key in self.publishers:
            return self.publishers[key], False
        if key not in self.minted:
            self.minted[key] = URIRef(PREFIXES["publisher"] + slug(name))
        return self.minted[key], True


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


def as_uri(iri: str) -> str:
    """An address as an xsd:anyURI value: characters outside ASCII percent-encoded, as RFC 3987
    maps an IRI to a URI (the reasoner rejects raw ones), and the rest kept as written.

    >>> as_uri("http://example.org/Компания:ВК?a=1")
    'http://example.org/%D0%9A%D0%BE%D0%BC%D0%BF%D0%B0%D0%BD%D0%B8%D1%8F:%D0%92%D0%9A?a=1'
    """
    return quote(iri, safe=":/?#[]@!$&'()*+,;=%~-._")


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
        return Literal(as_uri(str(value)), datatype=XSD.anyURI)
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

    def __init__(self, schema: Schema, path: Path, registry: Registry) -> None:
        self.schema = schema
        self.path = path
        self.registry = registry
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

    def _date(self, rid: str, key: str, subject: URIRef, prop: URIRef, value: Any) -> None:
        try:
            self.compiled.graph.add((subject, prop, parse_date(value)))
        except ValueError as exc:
            self.error(rid, key, str(exc))

    def _tier(self, rid: str, value: Any) -> URIRef | None:
        if str(value) not in TIERS:
            self.error(rid, "tier", f"{value!r} is not a tier ({', '.join(TIERS)})")
            return None
        return URIRef(PREFIXES["tier"] + str(value))

    def compile_publishers(self, publishers: Any) -> None:
        if not isinstance(publishers, dict):
            self.error("publishers", "", "must be a mapping of publisher keys to publishers")
            return
        graph = self.compiled.graph
        for key, pub in publishers.items():
            rid = f"publisher {key}"
            if not isinstance(pub, dict) or "name" not in pub:
                self.error(rid, "name", "a publisher is a mapping with at least a name")
                continue
            for unknown in sorted(pub.keys() - PUBLISHER_KEYS):
                self.error(rid, unknown, f"unknown key (allowed: {', '.join(sorted(PUBLISHER_KEYS))})")
            iri = URIRef(PREFIXES["publisher"] + str(key))
            self.compiled.records[iri] = rid
            graph.add((iri, RDF.type, AG.Publisher))
            graph.add((iri, RDFS.label, Literal(str(pub["name"]), lang="en")))
            for alias in _values(pub.get("aliases") or []):
                graph.add((iri, SKOS.altLabel, Literal(str(alias), lang="en")))
            if "kind" in pub:
                graph.add((iri, AG.publisherKind, Literal(str(pub["kind"]))))
            if "tier" in pub and (tier := self._tier(rid, pub["tier"])) is not None:
                graph.add((iri, AG.tier, tier))

    def compile_documents(self, documents: Any) -> None:
        if not isinstance(documents, dict):
            self.error("documents", "", "must be a mapping of document keys to documents")
            return
        graph = self.compiled.graph
        for key, doc in documents.items():
            rid = f"document {key}"
            if not isinstance(doc, dict):
                self.error(rid, "", "must be a mapping")
                continue
            iri = URIRef(PREFIXES["src"] + str(key))
            self.compiled.records[iri] = rid
            for missing in sorted(REQUIRED_DOCUMENT_KEYS - doc.keys()):
                self.error(rid, missing, "is required on every document")
            for unknown in sorted(doc.keys() - DOCUMENT_KEYS):
                hint = "; quotes belong to the citations of records" if unknown == "quote" else ""
                self.error(rid, unknown, f"unknown key (allowed: {', '.join(sorted(DOCUMENT_KEYS))}){hint}")
            graph.add((iri, RDF.type, AG.Document))
            if "url" in doc:
                graph.add((iri, AG.url, Literal(as_uri(str(doc["url"])), datatype=XSD.anyURI)))
            if "title" in doc:
                graph.add((iri, DCTERMS.title, Literal(str(doc["title"]))))
                graph.add((iri, RDFS.label, Literal(str(doc["title"]), lang="en")))
            tier: URIRef | None = None
            if "publisher" in doc:
                publisher, minted = self.registry.publisher(str(doc["publisher"]))
                graph.add((iri, AG.publisher, publisher))
                if minted:
                    graph.add((publisher, RDF.type, AG.Publisher))
                    graph.add((publisher, RDFS.label, Literal(str(doc["publisher"]), lang="en")))
            if "tier" in doc:
                tier = self._tier(rid, doc["tier"])
            else:
                self.error(rid, "tier", f"is required on every document ({', '.join(TIERS)})")
            if tier is not None:
                graph.add((iri, AG.tier, tier))
            if "language" in doc:
                graph.add((iri, AG.language, Literal(str(doc["language"]))))
            for key_name, prop in (("published", AG.published), ("retrieved", AG.retrieved)):
                if key_name in doc:
                    self._date(rid, key_name, iri, prop, doc[key_name])

    def compile_citations(self, rid: str, subject: URIRef, value: Any) -> None:
        graph = self.compiled.graph
        items = _values(value)
        if not items:
            self.error(rid, "citations", "every record needs at least one citation")
        local = str(subject)[len(ID_BASE) :].replace("/", "-")
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict) or "doc" not in item:
                self.error(rid, "citations", f"citation #{number} must be a mapping with doc and quote")
                continue
            for unknown in sorted(item.keys() - CITATION_KEYS):
                self.error(rid, "citations", f"citation #{number}: unknown key {unknown!r}")
            doc = str(item["doc"])
            if doc not in self.registry.documents:
                self.error(rid, "citations", f"citation #{number}: no document has the key {doc!r}")
            document = URIRef(PREFIXES["src"] + doc)
            citation = URIRef(f"{PREFIXES['citation']}{local}-{number}")
            graph.add((subject, PROV.wasDerivedFrom, document))
            graph.add((subject, AG.citation, citation))
            graph.add((citation, RDF.type, AG.Citation))
            graph.add((citation, AG.document, document))
            if "quote" not in item:
                self.error(rid, "citations", f"citation #{number} needs a quote (verbatim, at most 25 words)")
            else:
                quote = " ".join(str(item["quote"]).split())
                words = len(quote.split())
                if words > MAX_QUOTE_WORDS:
                    self.error(
                        rid, "citations", f"citation #{number}: quote has {words} words; at most {MAX_QUOTE_WORDS}"
                    )
                graph.add((citation, AG.quote, Literal(quote)))
            for key in _values(item.get("supports") or []):
                graph.add((citation, AG.supports, Literal(str(key))))

    def compile_former_name(self, rid: str, subject: URIRef, value: Any) -> None:
        for number, item in enumerate(_values(value), start=1):
            if not isinstance(item, dict) or "text" not in item:
                self.error(rid, "formerName", "give {text: ..., until: YYYY-MM-DD}")
                continue
            node = URIRef(f"{subject}/former-name-{number}")
            graph = self.compiled.graph
            graph.add((subject, AG.formerName, node))
            graph.add((node, RDF.type, AG.FormerName))
            graph.add((node, RDFS.label, Literal(str(item["text"]), lang=str(item.get("lang", "en")))))
            if "until" in item:
                self._date(rid, "formerName", node, AG.usedUntil, item["until"])

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
        if rid.split(":", 1)[0] in {"state", "tech", "role", "src", "tier", "ikind", "mkind", "citation", "publisher"}:
            self.error(rid, "id", "states, vocabulary concepts, documents, citations and publishers are not records")
            return
        self.compiled.records[subject] = rid
        graph = self.compiled.graph
        if "a" not in record:
            self.error(rid, "a", "every record needs a class")
        if "citations" not in record and "sources" not in record:
            self.error(rid, "citations", "every record needs at least one citation")
        for key, value in record.items():
            if key == "id" or value is None:
                continue
            if key in OLD_KEYS:
                self.error(rid, key, OLD_KEYS[key])
                continue
            if key == "a":
                for cls in _values(value):
                    cls_iri = expand(cls) if ":" in str(cls) else AG[str(cls)]
                    if cls_iri not in self.schema.classes:
                        self.error(rid, "a", f"{cls!r} is not a class of the ontology")
                    graph.add((subject, RDF.type, cls_iri))
            elif key == "citations":
                self.compile_citations(rid, subject, value)
            elif key == "formerName":
                self.compile_former_name(rid, subject, value)
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
            if isinstance(item, dict) and info.range == RDF.langString and "text" in item:
                lang = str(item.get("lang", "en"))
                self.compiled.graph.add((subject, info.iri, Literal(str(item["text"]), lang=lang)))
                continue
            try:
                self.compiled.graph.add((subject, info.iri, _term(info, item)))
            except ValueError as exc:
                self.error(rid, key, str(exc))


def compile_files(schema: Schema, paths: Iterable[Path]) -> Compilation:
    """Compile data files together: document keys, publishers and record ids are global across files."""
    loaded: list[tuple[Path, Any]] = []
    errors: list[CompileError] = []
    for path in paths:
        content, problem = read_data_file(path)  # duplicate keys are errors, with line and column
        if problem is not None:
            errors.append(CompileError(path.name, "(file)", "", f"not valid YAML: {problem}"))
        elif isinstance(content, dict) and "sources" in content:
            errors.append(CompileError(path.name, "(file)", "sources", OLD_KEYS["sources"]))
        elif not isinstance(content, dict) or not content.keys() <= TOP_LEVEL:
            errors.append(
                CompileError(path.name, "(file)", "", "top level must have only documents, records and publishers")
            )
        else:
            loaded.append((path, content))
    registry = Registry()
    doc_owner: dict[str, str] = {}
    url_owner: dict[str, str] = {}
    for path, content in loaded:
        publishers = content.get("publishers") or {}
        for key, pub in publishers.items() if isinstance(publishers, dict) else ():
            iri = URIRef(PREFIXES["publisher"] + str(key))
            if isinstance(pub, dict):
                for name in [pub.get("name"), *_values(pub.get("aliases") or [])]:
                    if name is None:
                        continue
                    other = registry.publishers.get(_name_key(name))
                    if other is not None and other != iri:
                        errors.append(
                            CompileError(
                                path.name, f"publisher {key}", "aliases", f"{name!r} also names {shorten(other)}"
                            )
                        )
                    registry.publishers[_name_key(name)] = iri
        documents = content.get("documents") or {}
        for key, doc in documents.items() if isinstance(documents, dict) else ():
            rid = f"document {key}"
            if str(key) in doc_owner:
                errors.append(CompileError(path.name, rid, "", f"also defined in {doc_owner[str(key)]}"))
            elif not _SLUG.match(str(key)):
                errors.append(CompileError(path.name, rid, "", "keys are slugs"))
            doc_owner[str(key)] = path.name
            url = str(doc.get("url", "")) if isinstance(doc, dict) else ""
            registry.documents[str(key)] = url
            if url and url in url_owner and url_owner[url] != str(key):
                errors.append(
                    CompileError(
                        path.name,
                        rid,
                        "url",
                        f"the same URL is also the document {url_owner[url]!r}: one document per URL "
                        f"(documents {url_owner[url]!r} and {key!r})",
                    )
                )
            elif url:
                url_owner[url] = str(key)
    files: list[CompiledFile] = []
    mappings = Graph()
    owner: dict[URIRef, str] = {}
    for path, content in loaded:
        compiler = _FileCompiler(schema, path, registry)
        compiler.compile_publishers(content.get("publishers") or {})
        compiler.compile_documents(content.get("documents") or {})
        records = content.get("records") or []
        if not isinstance(records, list):
            compiler.error("records", "", "must be a list of records")
            records = []
        for index, record in enumerate(records):
            compiler.compile_record(index, record)
        for iri, rid in compiler.compiled.records.items():
            if iri in owner and not rid.startswith(("document ", "publisher ")):
                compiler.error(rid, "id", f"also defined in {owner[iri]}")
            owner[iri] = path.name
        errors.extend(compiler.errors)
        files.append(compiler.compiled)
        mappings += compiler.mappings
    return Compilation(files, mappings, errors)
