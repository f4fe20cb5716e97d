"""The fixed IRIs and prefixes of the project, in one place.

Every module that mints or reads an IRI takes it from here, so that the prefixes the service
predeclares for analysts are exactly the ones the data is written with.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

#: The project's IRI space; entity IRIs below it are served by the service at the same path.
PROJECT_BASE = "https://w3id.org/alliance-graph"
ONTOLOGY_IRI = URIRef("https://w3id.org/alliance-graph/ontology")
AG = Namespace("https://w3id.org/alliance-graph/ontology#")
ID_BASE = "https://w3id.org/alliance-graph/id/"
GRAPH_BASE = "https://w3id.org/alliance-graph/graph/"

ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
SDO = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")

#: Prefix of an individual IRI → the kind folder under ``id/`` (prefix and kind differ only here).
KIND_OF_PREFIX: dict[str, str] = {
    "state": "state",
    "alliance": "alliance",
    "inst": "institution",
    "tech": "technology",
    "src": "source",
    "role": "role",
    "person": "person",
    "membership": "membership",
    "cooperation": "cooperation",
    "measure": "measure",
    "ranking": "ranking",
    "claim": "claim",
    "name": "name",
    "roster": "roster",
    "citation": "citation",
    "publisher": "publisher",
    "tier": "tier",
    "ikind": "instrument-kind",
    "mkind": "measure-kind",
}

#: Every prefix the project writes with and the service predeclares.
PREFIXES: dict[str, str] = {
    "ag": str(AG),
    **{prefix: f"{ID_BASE}{kind}/" for prefix, kind in KIND_OF_PREFIX.items()},
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "org": str(ORG),
    "prov": str(PROV),
    "time": str(TIME),
    "dct": str(DCTERMS),
    "sdo": str(SDO),
    "wd": str(WD),
}

GRAPH_ONTOLOGY = URIRef(GRAPH_BASE + "ontology")
GRAPH_STATES = URIRef(GRAPH_BASE + "states")
GRAPH_INFERRED = URIRef(GRAPH_BASE + "inferred")
GRAPH_MAPPINGS = URIRef(GRAPH_BASE + "mappings")
GRAPH_META = URIRef(GRAPH_BASE + "build")
GRAPH_NAMES = URIRef(GRAPH_BASE + "names")


def data_graph(stem: str) -> URIRef:
    """The named graph that holds the records of one ``data/<stem>.yaml`` file."""
    return URIRef(f"{GRAPH_BASE}data/{stem}")


def sparql_prefix_block() -> str:
    """PREFIX declarations for every project prefix, for engines that take no prefix map."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


#: Characters an IRI may not contain (RFC 3987 excludes them; SPARQL's IRIREF grammar too).
IRI_FORBIDDEN = frozenset(' <>"{}|^`\\') | frozenset(chr(c) for c in range(0x21))


def is_valid_iri(iri: str) -> bool:
    """Whether ``iri`` can be written as ``<iri>`` in SPARQL and Turtle without changing meaning."""
    return bool(iri) and not any(c in IRI_FORBIDDEN for c in iri)


def local_path(iri: str) -> str | None:
    """The service path of a project IRI (``/id/state/CHN``), or None for other IRIs."""
    return iri[len(PROJECT_BASE) :] if iri.startswith(PROJECT_BASE + "/") else None


def expand(curie: str) -> URIRef:
    """Expand a prefixed name or a full IRI; raise ``ValueError`` with the reason otherwise."""
    if curie.startswith(("http://", "https://", "urn:")):
        if not is_valid_iri(curie):
            raise ValueError(f"{curie!r} is not a valid IRI (spaces, <, >, quotes and braces are not allowed)")
        return URIRef(curie)
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES:
        raise ValueError(f"{curie!r} is not a prefixed name with a known prefix or a full IRI")
    if not local or any(c in local for c in ' <>"{}|^`\\'):
        raise ValueError(f"{curie!r} has an empty or invalid local name")
    return URIRef(PREFIXES[prefix] + local)


def shorten(iri: str) -> str:
    """The prefixed name of an IRI where a project prefix covers it, else the IRI itself."""
    best = ""
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(base) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        local = iri[len(PREFIXES[best]) :]
        if local and all(c.isalnum() or c in "-_." for c in local):
            return f"{best}:{local}"
    return iri
