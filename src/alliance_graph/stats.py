"""What the graph holds and how well it is sourced, for ``alliance-graph stats`` and the service.

Each figure is one SPARQL query over the built store, so the numbers are those analysts would get.
"""

from __future__ import annotations

from typing import Any

from .namespaces import shorten
from .results import plain
from .store import Store

COUNTED_CLASSES = [
    "ag:State",
    "ag:Institution",
    "ag:Person",
    "ag:Grouping",
    "ag:Membership",
    "ag:Cooperation",
    "ag:RestrictiveMeasure",
    "ag:RankingEntry",
    "ag:Claim",
    "ag:Technology",
    "ag:Document",
    "ag:Citation",
    "ag:Publisher",
    "ag:Roster",
]

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES ?class { %s }
  ?x a ?class .
} GROUP BY ?class
"""

FACTS_PER_SOURCE = """
SELECT ?source ?title (COUNT(DISTINCT ?fact) AS ?facts) WHERE {
  ?source a ag:Source . OPTIONAL { ?source dct:title ?title }
  ?fact prov:wasDerivedFrom ?source .
} GROUP BY ?source ?title ORDER BY DESC(?facts) ?source
"""

SOURCES_PER_PUBLISHER = """
SELECT ?publisher ?tier (COUNT(DISTINCT ?url) AS ?sources) WHERE {
  ?source a ag:Document ; ag:publisher/rdfs:label ?publisher ; ag:url ?url .
  OPTIONAL { ?source ag:tier/rdfs:label ?tier }
} GROUP BY ?publisher ?tier ORDER BY DESC(?sources) ?publisher
"""

CITATIONS_PER_TIER = """
SELECT ?tier (COUNT(DISTINCT ?citation) AS ?citations) WHERE {
  ?citation a ag:Citation ; ag:document/ag:tier/rdfs:label ?tier .
} GROUP BY ?tier ORDER BY DESC(?citations)
"""

UNDATED_FACTS = """
SELECT (COUNT(DISTINCT ?fact) AS ?n) WHERE { ?fact a ag:Fact . FILTER NOT EXISTS { ?fact ag:validFrom ?d } }
"""

UNKNOWN_START_FACTS = """
SELECT (COUNT(DISTINCT ?fact) AS ?n) WHERE { ?fact a ag:Fact . FILTER NOT EXISTS { ?fact ag:possibleFrom ?d } }
"""

PARTIAL_LISTS = """
SELECT (COUNT(DISTINCT ?roster) AS ?n) WHERE { ?roster a ag:Roster ; ag:complete false }
"""

SINGLE_SOURCE_FACTS = """
SELECT (COUNT(*) AS ?n) WHERE {
  { SELECT ?fact (COUNT(DISTINCT ?url) AS ?urls) WHERE {
      ?fact a ag:Fact ; prov:wasDerivedFrom/ag:url ?url .
    } GROUP BY ?fact }
  FILTER (?urls = 1)
}
"""

DISAGREEMENTS = """
SELECT ?fact ?other WHERE {
  ?fact ag:disagreesWith ?other . FILTER (STR(?fact) < STR(?other))
} ORDER BY ?fact
"""

NEWEST_SOURCE = """
SELECT (MAX(?published) AS ?newest) WHERE {
  ?source a ag:Document ; ag:published ?published . FILTER (DATATYPE(?published) = xsd:date)
}
"""

BUILD_INFO = """
SELECT ?created ?ontologyVersion ?softwareVersion ?triples WHERE {
  GRAPH <https://w3id.org/alliance-graph/graph/build> {
    ?build a ag:Build ; dct:created ?created ; ag:ontologyVersion ?ontologyVersion ;
           ag:softwareVersion ?softwareVersion ; ag:tripleCount ?triples .
  }
}
"""


#: The areas of the landscape, each a kind of fact, as the per-area table reports them.
AREAS = {
    "memberships and participations": "ag:Membership",
    "cooperation instruments": "ag:Cooperation",
    "restrictive measures": "ag:RestrictiveMeasure",
    "ranking entries": "ag:RankingEntry",
    "claims": "ag:Claim",
}

#: Per area: facts, facts backed by an official or wire document, facts on one document, disputed
#: facts, facts with an unknown start, facts no dated document bounds, and the newest document.
AREA_FIGURES = {
    "facts": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a %(area)s }",
    "official_or_wire": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a %(area)s ; ag:citation/ag:document/ag:tier ?t "
    "FILTER (?t IN (tier:official, tier:wire)) }",
    "single_document": "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?f (COUNT(DISTINCT ?d) AS ?docs) WHERE { "
    "?f a %(area)s ; ag:citation/ag:document ?d } GROUP BY ?f } FILTER (?docs = 1) }",
    "disputed": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a %(area)s { ?f ag:disagreesWith ?o } UNION "
    "{ ?o ag:disagreesWith ?f } }",
    "unknown_start": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a %(area)s "
    "FILTER NOT EXISTS { ?f ag:possibleFrom ?d } }",
    "undated": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a %(area)s FILTER NOT EXISTS { ?f ag:validFrom ?d } }",
}
NEWEST_IN_AREA = """SELECT (MAX(?p) AS ?newest) WHERE {
  ?f a %(area)s ; ag:citation/ag:document/ag:published ?p FILTER (DATATYPE(?p) = xsd:date) }"""


def per_area(store: Store) -> dict[str, dict[str, Any]]:
    """The quality figures of every area of the landscape."""
    table: dict[str, dict[str, Any]] = {}
    for name, cls in AREAS.items():
        row: dict[str, Any] = {key: _count(store, query % {"area": cls}) for key, query in AREA_FIGURES.items()}
        newest = store.query(NEWEST_IN_AREA % {"area": cls}).dicts()
        row["newest_document"] = plain(newest[0]["newest"]) if newest else None
        table[name] = row
    return table


def build_info(store: Store) -> dict[str, Any]:
    rows = store.query(BUILD_INFO).dicts()
    return {k: plain(v) for k, v in rows[0].items()} if rows else {}


def _count(store: Store, query: str) -> int:
    rows = store.query(query).dicts()
    return int(plain(rows[0]["n"])) if rows else 0


def collect(store: Store) -> dict[str, Any]:
    """Every figure of the stats report as plain data."""
    counts = {cls: 0 for cls in COUNTED_CLASSES}
    for row in store.query(CLASS_COUNTS % " ".join(COUNTED_CLASSES)).dicts():
        counts[shorten(str(row["class"]))] = int(plain(row["n"]))
    disagreements = [(shorten(str(r["fact"])), shorten(str(r["other"]))) for r in store.query(DISAGREEMENTS).dicts()]
    newest = store.query(NEWEST_SOURCE).dicts()
    single = store.query(SINGLE_SOURCE_FACTS).dicts()
    return {
        "counts": counts,
        "cooperation_links": int(
            plain(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ag:cooperatesWith ?b }").rows[0][0])
        ),
        "triples": len(store),
        "facts_per_source": [{k: plain(v) for k, v in r.items()} for r in store.query(FACTS_PER_SOURCE).dicts()],
        "sources_per_publisher": [
            {k: plain(v) for k, v in r.items()} for r in store.query(SOURCES_PER_PUBLISHER).dicts()
        ],
        "single_source_facts": int(plain(single[0]["n"])) if single else 0,
        "citations_per_tier": {
            str(plain(r["tier"])): int(plain(r["citations"])) for r in store.query(CITATIONS_PER_TIER).dicts()
        },
        "undated_facts": _count(store, UNDATED_FACTS),
        "facts_with_unknown_start": _count(store, UNKNOWN_START_FACTS),
        "partial_lists": _count(store, PARTIAL_LISTS),
        "disagreements": [{"fact": a, "other": b} for a, b in disagreements],
        "newest_source": plain(newest[0]["newest"]) if newest else None,
        "areas": per_area(store),
        "build": build_info(store),
    }


def render(stats: dict[str, Any], top: int = 10) -> str:
    """The stats report as text for a terminal."""
    lines = ["Graph", f"  triples: {stats['triples']}"]
    build = stats.get("build") or {}
    if build:
        lines.append(
            f"  built: {build.get('created')}  ontology {build.get('ontologyVersion')}"
            f"  alliance-graph {build.get('softwareVersion')}"
        )
    lines.append("Counts")
    lines += [f"  {cls:<24} {n}" for cls, n in stats["counts"].items()]
    lines.append(f"  {'cooperation links':<24} {stats['cooperation_links']}")
    lines.append("Sources")
    lines.append(f"  newest source date: {stats['newest_source']}")
    lines.append(f"  facts resting on a single source: {stats['single_source_facts']}")
    tiers = ", ".join(f"{tier} {n}" for tier, n in stats["citations_per_tier"].items())
    lines.append(f"  citations per tier: {tiers}")
    lines.append(f"  facts with an unknown start: {stats['facts_with_unknown_start']}")
    lines.append(f"  facts no dated source bounds (never certain; see undated-facts): {stats['undated_facts']}")
    lines.append(f"  partial lists (rosters not complete): {stats['partial_lists']}")
    lines.append(
        "Areas  (facts · backed by official or wire · on one document · disputed · unknown start · never certain"
        " · newest document)"
    )
    for name, row in stats.get("areas", {}).items():
        share = f"{row['official_or_wire'] / row['facts']:.0%}" if row["facts"] else "-"
        lines.append(
            f"  {name:<32} {row['facts']:>4} · {row['official_or_wire']:>4} ({share}) · {row['single_document']:>4}"
            f" · {row['disputed']:>3} · {row['unknown_start']:>4} · {row['undated']:>3} · {row['newest_document']}"
        )
    lines.append(f"  facts per source (top {top}):")
    lines += [f"    {r['facts']:>4}  {r.get('title') or r['source']}" for r in stats["facts_per_source"][:top]]
    lines.append(f"  sources per publisher (top {top}):")
    lines += [
        f"    {r['sources']:>4}  {r['publisher']} ({r.get('tier') or '?'})"
        for r in stats["sources_per_publisher"][:top]
    ]
    lines.append(f"  facts whose sources disagree: {len(stats['disagreements'])}")
    lines += [f"    {d['fact']}  <>  {d['other']}" for d in stats["disagreements"]]
    return "\n".join(lines)
