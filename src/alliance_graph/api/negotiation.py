"""Content negotiation: pick a media type from an Accept header (with q-values) or ``format=``.

SPARQLWrapper and other clients send ``format=json`` (or ``output=``) rather than, or besides, an
Accept header; those short names are honoured first.
"""

from __future__ import annotations

from collections.abc import Sequence

SELECT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "application/n-quads",
    "application/trig",
)
FORMAT_ALIASES = {
    "json": "application/sparql-results+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "n3": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "nquads": "application/n-quads",
    "nq": "application/n-quads",
    "trig": "application/trig",
}
#: For a graph answer, ``format=json``/``xml`` (what SPARQLWrapper sends) mean JSON-LD/RDF-XML.
GRAPH_ALIASES = {"json": "application/ld+json", "xml": "application/rdf+xml"}
EQUIVALENT = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
}
GRAPH_EQUIVALENT = {"application/json": "application/ld+json", "application/xml": "application/rdf+xml"}


class NotAcceptable(Exception):
    """Nothing the client accepts can be produced."""

    def __init__(self, offered: Sequence[str]) -> None:
        self.offered = list(offered)
        super().__init__("none of the accepted media types can be produced; offered: " + ", ".join(offered))


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (by q, then by specificity, then order)."""
    if not header:
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int, int]] = []
    for index, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, q, specificity, -index))
    ranges.sort(key=lambda r: (r[1], r[2], r[3]), reverse=True)
    return [(media, q) for media, q, _s, _i in ranges]


def choose(
    accept: str | None, offered: Sequence[str], fmt: str | Sequence[str] | None = None, graph: bool = False
) -> str:
    """The media type to answer with; raise ``NotAcceptable`` when there is none.

    ``fmt`` (one format name or several, first wins) takes precedence over the Accept header.
    """
    for name in [fmt] if isinstance(fmt, str) else fmt or []:
        key = name.strip().lower()
        media = (GRAPH_ALIASES.get(key) if graph else None) or FORMAT_ALIASES.get(key) or key
        if media in offered:
            return media
    equivalent = GRAPH_EQUIVALENT if graph else EQUIVALENT
    for media, q in parse_accept(accept):
        if q <= 0:
            continue
        if media not in offered:
            media = equivalent.get(media, media)
        if media == "*/*":
            return offered[0]
        if media.endswith("/*"):
            for candidate in offered:
                if candidate.startswith(media[:-1]):
                    return candidate
        elif media in offered:
            return media
    raise NotAcceptable(offered)
