"""What an entity page shows, assembled as a dossier: who it is, what it is called, what it did.

The page is read by an analyst, not a triple browser, so the triples are sorted into what they
mean: the entity's kinds (each class once, linked to its term in ``/ontology``), its names in
every language the graph holds them (labels, alternative labels, the curated name variants), the
facts it takes part in grouped by kind (through the named question ``facts-about``, the one facts
feed of the site, with its evidence and citations), and the shortcut links the build inferred
(``ag:memberOf``, ``ag:cooperatesWith``…), each marked as inferred with the facts it comes from.
A link the build derives from a narrower one (``org:linkedTo`` beside ``ag:cooperatesWith``) is
shown once, as the narrower one. Dates are shown as the sources give them: a year stays a year.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

import pycountry
from rdflib import Literal, URIRef
from rdflib.term import Node

from ..namespaces import AG, GRAPH_INFERRED, ID_BASE, ONTOLOGY_IRI, shorten
from ..queries import NamedQuery, bind
from ..results import EVIDENCE_QUERY, NOTHING, evidence_details, evidence_query, plain, records
from ..store import Answer

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
RunQuery = Callable[[str], Awaitable[Answer]]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
NAME_PROPERTIES = {RDFS + "label": "label", SKOS + "prefLabel": "label", SKOS + "altLabel": "also called"}
HIDDEN_PROPERTIES = {str(AG.nameKey)}
#: Labels of outside properties the ontology does not label itself.
PROPERTY_LABELS = {
    RDFS + "comment": "note",
    RDFS + "seeAlso": "see also",
    "https://schema.org/sameAs": "same as",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "source",
    "http://www.w3.org/ns/prov#qualifiedDerivation": "derivation",
}
#: A fact's links to its documents and citations: the page shows them as its sources instead.
SOURCE_PROPERTIES = {
    "http://www.w3.org/ns/prov#wasDerivedFrom",
    "http://www.w3.org/ns/prov#qualifiedDerivation",
    str(AG.citation),
}
#: Kinds of facts in the order a dossier reads them; other kinds follow, by name.
KIND_ORDER = ["membership", "cooperation", "restrictive measure", "ranking entry", "claim"]
#: What of a fact the page shows beside its label, as (property, heading).
FACT_DETAILS = {
    str(AG.role): "role",
    str(AG.status): "status",
    "http://www.w3.org/ns/org#member": "member",
    "http://www.w3.org/ns/org#organization": "in",
    str(AG.partyA): "side A",
    str(AG.partyB): "side B",
    str(AG.party): "parties",
    str(AG.imposer): "imposed by",
    str(AG.target): "target",
    str(AG.aimedAt): "aimed at",
    str(AG.measureKind): "measure",
    str(AG.instrumentKind): "instrument",
    str(AG.inIndex): "index",
    str(AG.rank): "rank",
    str(AG.score): "score",
    str(AG.rankedState): "state",
    str(AG.about): "about",
    str(AG.mentions): "mentions",
    str(AG.disagreesWith): "disagrees with",
}
#: Details shown for the counterpart, not for the entity the page is about.
SELF_DETAILS = {
    "http://www.w3.org/ns/org#member",
    str(AG.target),
    str(AG.rankedState),
    str(AG.about),
    str(AG.party),
    str(AG.partyA),
    str(AG.partyB),
}

STATEMENTS = """
SELECT ?p ?o ?g (SAMPLE(?pl) AS ?pLabel) (SAMPLE(?ol) AS ?oLabel) WHERE {
  %(iri)s ?p ?o .
  OPTIONAL { GRAPH ?g { %(iri)s ?p ?o } }
  OPTIONAL { ?p rdfs:label ?pl }
  OPTIONAL { ?o rdfs:label ?ol }
} GROUP BY ?p ?o ?g
"""

SUBPROPERTIES = """
SELECT DISTINCT ?sub ?super WHERE {
  %(iri)s ?sub ?o . %(iri)s ?super ?o . ?sub rdfs:subPropertyOf+ ?super .
}
"""

NAME_VARIANTS = """
SELECT ?variant ?name ?kind WHERE {
  ?variant ag:nameOf %(iri)s ; ag:name ?name . OPTIONAL { ?variant ag:nameKind ?kind }
} ORDER BY ?name
"""

FACT_DETAILS_QUERY = """
SELECT ?fact ?p ?o (SAMPLE(?ol) AS ?oLabel) (SAMPLE(?g) AS ?graph) WHERE {
  VALUES ?fact { %(facts)s }
  VALUES ?p { %(properties)s }
  ?fact ?p ?o .
  OPTIONAL { GRAPH ?g { ?fact ?p ?o } FILTER (?g != %(inferred)s) }
  OPTIONAL { ?o rdfs:label ?ol }
} GROUP BY ?fact ?p ?o
"""

#: Which facts make a derived link of the entity: the build's rules read backwards.
DERIVATIONS = """
SELECT DISTINCT ?p ?other ?fact WHERE {
  {
    BIND (ag:memberOf AS ?p)
    ?fact a ag:Membership ; org:member %(iri)s ; org:organization ?other ; ag:role ?role .
    ?role ag:countsAsMembership true .
  } UNION {
    BIND (ag:hasMember AS ?p)
    ?fact a ag:Membership ; org:organization %(iri)s ; org:member ?other ; ag:role ?role .
    ?role ag:countsAsMembership true .
  } UNION {
    BIND (ag:cooperatesWith AS ?p)
    ?fact a ag:Cooperation .
    { ?fact ag:partyA ?x ; ag:partyB ?y } UNION { ?fact ag:partyB ?x ; ag:partyA ?y }
    UNION { ?fact ag:party ?x , ?y . FILTER NOT EXISTS { ?fact ag:partyA ?side } }
    { ?x a ag:State . FILTER (?x = %(iri)s) } UNION { ?x ag:ofState %(iri)s }
    { ?y a ag:State . BIND (?y AS ?other) } UNION { ?y ag:ofState ?other }
    FILTER (?other != %(iri)s)
  } UNION {
    BIND (ag:ofState AS ?p)
    { %(iri)s ag:headquarteredIn ?other . BIND (%(iri)s AS ?fact) }
    UNION { %(iri)s org:subOrganizationOf+ ?fact . ?fact ag:headquarteredIn ?other }
  }
}
"""

#: The relations by which a fact names the entity in the data itself (not by inference).
ASSERTED_RELATIONS = """
SELECT DISTINCT ?fact ?relation WHERE {
  VALUES ?fact { %(facts)s }
  GRAPH ?g { ?fact ?p %(iri)s } FILTER (?g != %(inferred)s)
  ?p rdfs:label ?label . BIND (STR(?label) AS ?relation)
}
"""

#: Why the build derives a property it has no fact for (the date windows, the rule-made links).
WHY = {
    str(AG.possibleFrom): "the first day the start date can mean",
    str(AG.validFrom): "the last day the start date can mean: from then on the fact certainly holds",
    str(AG.possibleUntil): "the last day the end date can mean",
    str(AG.validUntil): "the first day the end date can mean",
    str(AG.knownBy): "the earliest publication date of a document that reports it",
    str(AG.memberState): "the state of the member",
    str(AG.concerns): "the states of its parties",
    str(AG.party): "its parties on either side",
    str(AG.participant): "every party and member",
    str(AG.tieKind): "how many states its parties belong to",
    str(AG.ofState): "the institution it belongs to",
    RDFS + "label": "made from its member, grouping and role",
}

INSTITUTIONS = """
SELECT ?inst WHERE { ?inst ag:ofState %(iri)s }
"""


def language_name(code: str) -> str:
    """The English name of a BCP 47 language tag's language (``ru`` → Russian), else the tag."""
    if not code:
        return "no language given"
    base = code.split("-")[0].lower()
    found = pycountry.languages.get(alpha_2=base) if len(base) == 2 else pycountry.languages.get(alpha_3=base)
    return str(found.name) if found is not None else code


def precision(value: str | None) -> str:
    """How precise a date as the sources give it is: ``year``, ``month`` or ``day``.

    >>> precision("2024"), precision("2024-02"), precision("2024-02-16")
    ('year', 'month', 'day')
    """
    text = str(value or "")
    if not DATE.match(text):
        return ""
    return {4: "year", 7: "month"}.get(len(text), "day")


def ontology_anchor(iri: str) -> str | None:
    """Where a term of the project's ontology is documented on this site (``/ontology#State``)."""
    base = str(AG)
    return f"/ontology#{iri[len(base) :]}" if iri.startswith(base) and len(iri) > len(base) else None


def _label(term: Node | None, label: Node | None) -> str:
    if label is not None:
        return str(label)
    return shorten(str(term)) if term is not None else ""


def _value(term: Node | None, label: Node | None) -> dict[str, Any]:
    is_iri = isinstance(term, URIRef)
    return {
        "value": plain(term),
        "label": _label(term, label) if is_iri else plain(term),
        "is_iri": is_iri,
        "lang": term.language if isinstance(term, Literal) else None,
        "precision": precision(str(term)) if isinstance(term, Literal) and term.datatype else "",
    }


class Dossier:
    """Assembles the page of one entity from a few queries (each run like any other query)."""

    def __init__(self, iri: URIRef, run: RunQuery, facts_about: NamedQuery | None) -> None:
        self.iri = iri
        self.run = run
        self.facts_about = facts_about

    async def rows(self, text: str) -> list[dict[str, Node | None]]:
        return (await self.run(text % {"iri": self.iri.n3()} if "%(iri)s" in text else text)).dicts()

    async def describe(self) -> dict[str, Any] | None:
        statements = await self.rows(STATEMENTS)
        if not statements:
            return None
        by_triple: dict[tuple[str, str], dict[str, Any]] = {}
        for row in statements:
            key = (str(row["p"]), str(row["o"]) + "@" + (getattr(row["o"], "language", None) or ""))
            graph = str(row["g"]) if row["g"] is not None else ""
            entry = by_triple.setdefault(key, {"row": row, "inferred": True})
            if graph != str(GRAPH_INFERRED):  # asserted somewhere (a data graph or the default graph)
                entry["inferred"] = False
        collapsed = {(str(r["super"]), str(r["sub"])) for r in await self.rows(SUBPROPERTIES)}
        types, names, properties, inferred = [], [], [], []
        for (prop, _obj), entry in sorted(by_triple.items()):
            row = entry["row"]
            obj, obj_label = row["o"], row["oLabel"]
            if prop == RDF_TYPE:
                types.append({**_value(obj, obj_label), "inferred": entry["inferred"]})
            elif prop in NAME_PROPERTIES and isinstance(obj, Literal):
                names.append({"text": str(obj), "lang": obj.language or "", "how": NAME_PROPERTIES[prop], "href": None})
            elif prop in HIDDEN_PROPERTIES:
                continue
            else:
                label = PROPERTY_LABELS.get(prop) or _label(row["p"], row["pLabel"])
                item = {"property": prop, "property_label": label, **_value(obj, obj_label)}
                if entry["inferred"]:
                    # a link derived from a narrower one the entity also has is shown once, as that one
                    narrower = [s for (sup, s) in collapsed if sup == prop]
                    if any((s, str(obj) + "@") in by_triple for s in narrower):
                        continue
                    inferred.append(item)
                else:
                    properties.append(item)
        for row in await self.rows(NAME_VARIANTS):
            name = row["name"]
            names.append(
                {
                    "text": str(name),
                    "lang": name.language if isinstance(name, Literal) and name.language else "",
                    "how": str(row["kind"] or "name").replace("-", " "),
                    "href": str(row["variant"]),
                }
            )
        english = next((n["text"] for n in names if n["how"] == "label" and n["lang"] in ("en", "")), None)
        title = english or next((n["text"] for n in names if n["how"] == "label"), shorten(str(self.iri)))
        facts = await self.facts()
        await self.explain_inferred(inferred, facts)
        kinds = [t for t in types if not t["inferred"]] or types
        sources = await self.own_sources()
        if sources:  # shown as the sources section, with their quotes
            properties = [p for p in properties if p["property"] not in SOURCE_PROPERTIES]
            inferred = [p for p in inferred if p["property"] not in SOURCE_PROPERTIES]
        return {
            "iri": str(self.iri),
            "label": title,
            "kind": ", ".join(t["label"] for t in kinds),
            "types": sorted(types, key=lambda t: (t["inferred"], t["label"].lower())),
            "names": group_names(names),
            "name_keys": sorted(str(r["row"]["o"]) for k, r in by_triple.items() if k[0] in HIDDEN_PROPERTIES),
            "properties": sorted(properties, key=lambda p: (p["property_label"].lower(), str(p["label"]))),
            "inferred": sorted(inferred, key=lambda p: (p["property_label"].lower(), str(p["label"]))),
            "facts": facts,
            "sources": sources,
            "fact_count": sum(len(group["facts"]) for group in facts),
        }

    async def own_sources(self) -> list[dict[str, Any]]:
        """The entity's (or fact's) own documents, each with the quotes its citations take from it."""
        documents = [
            URIRef(str(r["o"])).n3()
            for r in await self.rows("SELECT ?o WHERE { %(iri)s prov:wasDerivedFrom ?o }")
            if isinstance(r["o"], URIRef)
        ]
        if not documents:
            return []
        text = EVIDENCE_QUERY % {"documents": " ".join(documents) or NOTHING, "facts": self.iri.n3()}
        found = evidence_details(await self.run(text))
        citations = found.get(str(self.iri), {}).get("citations", [])
        out = []
        for iri, doc in sorted(found.items(), key=lambda kv: str(kv[1].get("published") or "")):
            if iri == str(self.iri):
                continue
            quotes = [c["quote"] for c in citations if c["document"] == iri and c.get("quote")]
            out.append({**doc, "quotes": quotes})
        return out

    async def facts(self) -> list[dict[str, Any]]:
        """The facts the entity takes part in, by kind, one entry per fact (not per relation)."""
        if self.facts_about is None:
            return []
        text, _bound = bind(self.facts_about, {"subject": str(self.iri)})
        answer = await self.run(text)
        details_text = evidence_query(answer)
        evidence = evidence_details(await self.run(details_text) if details_text else None)
        merged: dict[str, dict[str, Any]] = {}
        for row in records(answer, evidence):
            fact = merged.setdefault(
                str(row["fact"]),
                {
                    "fact": str(row["fact"]),
                    "label": row.get("factLabel") or shorten(str(row["fact"])),
                    "kind": str(row["kind"]),
                    "since": None if row.get("since") == "date unknown" else row.get("since"),
                    "until": row.get("until"),
                    "relations": [],
                    "evidence": row.get("evidence", []),
                    "steps": (row.get("explanation") or {}).get("steps", []),
                },
            )
            if row["relation"] not in fact["relations"]:
                fact["relations"].append(row["relation"])
        if not merged:
            return []
        await self.add_details(merged)
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for fact in merged.values():
            own = fact["asserted"]
            fact["inferred"] = not own
            fact["relation"] = ", ".join(own or fact["relations"])
            for step in fact["steps"]:
                for citation in step.get("citations", []):
                    for doc in fact["evidence"]:
                        if doc.get("source") == citation.get("document"):
                            doc.setdefault("quotes", []).append(citation.get("quote"))
            groups[fact["kind"]].append(fact)
        order = {kind: i for i, kind in enumerate(KIND_ORDER)}
        return [
            {"kind": kind, "facts": sorted(facts, key=lambda f: (f["since"] or "9999", f["label"]))}
            for kind, facts in sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
        ]

    async def add_details(self, merged: dict[str, dict[str, Any]]) -> None:
        """Role, status, counterparts… of each fact, and through whom an inferred fact holds."""
        text = FACT_DETAILS_QUERY % {
            "facts": " ".join(URIRef(f).n3() for f in merged),
            "properties": " ".join(URIRef(p).n3() for p in FACT_DETAILS),
            "inferred": GRAPH_INFERRED.n3(),
        }
        own_institutions = {str(r["inst"]) for r in await self.rows(INSTITUTIONS)}
        for fact in merged.values():
            fact["details"] = {}
            fact["through"] = []
            fact["asserted"] = []
        facts = " ".join(URIRef(f).n3() for f in merged)
        asserted = ASSERTED_RELATIONS % {"facts": facts, "iri": self.iri.n3(), "inferred": GRAPH_INFERRED.n3()}
        for row in (await self.run(asserted)).dicts():
            merged[str(row["fact"])]["asserted"].append(str(row["relation"]))
        for row in (await self.run(text)).dicts():
            fact = merged[str(row["fact"])]
            prop, obj = str(row["p"]), row["o"]
            if row["graph"] is None and prop == str(AG.party):
                continue  # the parties of both sides, derived: the sides say it
            if str(obj) in own_institutions and prop in SELF_DETAILS:
                fact["through"].append(_value(obj, row["oLabel"]))
            if prop in SELF_DETAILS and str(obj) == str(self.iri):
                continue
            fact["details"].setdefault(FACT_DETAILS[prop], []).append(_value(obj, row["oLabel"]))
        for fact in merged.values():
            ordered = [heading for heading in FACT_DETAILS.values() if heading in fact["details"]]
            fact["details"] = [(heading, fact["details"][heading]) for heading in ordered]

    async def explain_inferred(self, inferred: list[dict[str, Any]], groups: list[dict[str, Any]]) -> None:
        """Attach to each inferred link the facts it comes from."""
        labels = {f["fact"]: f["label"] for group in groups for f in group["facts"]}
        basis: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
        for row in await self.rows(DERIVATIONS):
            fact = str(row["fact"])
            entry = {"fact": fact, "label": labels.get(fact) or shorten(fact)}
            if fact == str(self.iri):
                entry["label"] = "headquartered here (stated)"
            if entry not in basis[(str(row["p"]), str(row["other"]))]:
                basis[(str(row["p"]), str(row["other"]))].append(entry)
        for item in inferred:
            item["from"] = sorted(basis.get((item["property"], str(item["value"])), []), key=lambda e: e["label"])
            if not item["from"]:
                item["why"] = WHY.get(item["property"], "the ontology's rules")


def group_names(names: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Names by language: English first, then by the language's name; each name once per language."""
    languages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name in names:
        same = [n for n in languages[name["lang"]] if n["text"] == name["text"]]
        if same:
            same[0]["href"] = same[0]["href"] or name["href"]
            continue
        languages[name["lang"]].append(name)
    order = {"label": 0, "also called": 1}
    return [
        {
            "lang": lang,
            "language": language_name(lang),
            "names": sorted(items, key=lambda n: (order.get(n["how"], 2), n["text"])),
        }
        for lang, items in sorted(languages.items(), key=lambda kv: (kv[0] != "en", language_name(kv[0])))
    ]


def is_project_term(iri: str) -> bool:
    return iri.startswith((ID_BASE, str(ONTOLOGY_IRI)))
