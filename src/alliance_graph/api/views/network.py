"""The workbench's network page and the JSON feed it draws: who is tied to whom on a date.

The feed (``GET /api/network``) has two kinds of edge. A *membership* edge joins a member to a
grouping, for the roles that count as membership (founding member, member, participant) and for
BRICS-style partner countries, each edge naming its role. A *cooperation* edge joins the parties
of an instrument (opposite sides, or two parties of a side-less text); states an instrument only
mentions are bystanders and get no edge, and an instrument only announced or proposed is no tie
yet (the same rule as the ``bloc-members-cooperating-with`` question). Each edge says whether it
holds ``certain``-ly or only ``possible``-ly on the date, by the one definition of "holds" the
named questions use (``queries.holds_fragment``), so the picture and the answers agree.

A topic keeps the cooperation on that topic (or a narrower one) and the groupings on it, and keeps
the general groupings that name no topic (BRICS, G7): a topic should not hide the blocs its ties
run through. An alliance keeps only the memberships of that grouping.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from rdflib import Literal
from rdflib.namespace import XSD

from ...namespaces import expand, local_path, shorten
from ...queries import holds_fragment
from ...results import plain
from ...store import Answer
from .. import conditional
from ..errors import InvalidParameter
from ..state import ServiceState, client_of
from ..templates import TEMPLATES

#: The role that makes a state a partner of a bloc without membership (BRICS partner countries).
PARTNER_ROLE = "role:partner-country"

MEMBERSHIPS = """
SELECT ?m ?member ?memberLabel ?memberKind ?group ?groupLabel ?roleLabel ?roleClass ?certainty
       ?m_since ?m_until WHERE {
  VALUES ?as_of { %(as_of)s }
  ?m a ag:Membership ; org:member ?member ; org:organization ?group ; ag:role ?role .
  ?role rdfs:label ?roleLabel .
  OPTIONAL { ?role ag:countsAsMembership ?counts }
  BIND (IF(COALESCE(?counts, false), "member", IF(?role = %(partner)s, "partner", "")) AS ?roleClass)
  FILTER (?roleClass != "")
  %(alliance)s
  %(topic_groups)s
  %(holds_m)s
  ?member rdfs:label ?memberLabel . ?group rdfs:label ?groupLabel .
  BIND (IF(EXISTS { ?member a ag:State }, "state",
           IF(EXISTS { ?member a ag:Grouping }, "grouping",
           IF(EXISTS { ?member a ag:Person }, "person", "institution"))) AS ?memberKind)
}
"""

COOPERATION = """
SELECT ?c ?cLabel ?a ?aLabel ?aKind ?b ?bLabel ?bKind ?tie ?kindLabel ?certainty ?c_since ?c_until WHERE {
  VALUES ?as_of { %(as_of)s }
  ?c a ag:Cooperation ; ag:tieKind ?tie .
  FILTER NOT EXISTS { ?c ag:status ?status FILTER (STR(?status) IN ("announced", "proposed")) }
  { ?c ag:partyA ?a ; ag:partyB ?b }
  UNION
  { ?c ag:party ?a , ?b . FILTER NOT EXISTS { ?c ag:partyA ?side } FILTER (STR(?a) < STR(?b)) }
  FILTER (?a != ?b)
  %(topic_coop)s
  %(holds_c)s
  ?c a ?kind . ?kind rdfs:subClassOf ag:Cooperation ; rdfs:label ?kindLabel .
  FILTER (?kind != ag:Cooperation)
  ?a rdfs:label ?aLabel . ?b rdfs:label ?bLabel .
  OPTIONAL { ?c rdfs:label ?cLabel }
  BIND (IF(EXISTS { ?a a ag:State }, "state", IF(EXISTS { ?a a ag:Grouping }, "grouping",
        IF(EXISTS { ?a a ag:Person }, "person", "institution"))) AS ?aKind)
  BIND (IF(EXISTS { ?b a ag:State }, "state", IF(EXISTS { ?b a ag:Grouping }, "grouping",
        IF(EXISTS { ?b a ag:Person }, "person", "institution"))) AS ?bKind)
}
"""

#: The filters' choices: the technologies, and the groupings that have members.
CHOICES = """
SELECT ?iri ?label ?what WHERE {
  { ?iri a ag:Technology ; rdfs:label ?label . BIND ("topic" AS ?what) }
  UNION
  { SELECT DISTINCT ?iri ?label ?what WHERE {
      ?m a ag:Membership ; org:organization ?iri ; ag:role/ag:countsAsMembership true .
      ?iri rdfs:label ?label . BIND ("alliance" AS ?what) } }
} ORDER BY ?what LCASE(STR(?label))
"""

#: Is the asked topic a technology, the asked alliance a grouping? (Unknown names are a 422.)
KNOWN = "SELECT ?ok WHERE { BIND (EXISTS { %(iri)s a %(cls)s } AS ?ok) }"


def _id_path(iri: str) -> str:
    return local_path(iri) or iri


def parts(day: dt.date, topic: str | None, alliance: str | None) -> dict[str, str]:
    """The pieces the two queries are filled with, every value an RDF term (never raw text)."""
    as_of = Literal(day.isoformat(), datatype=XSD.date).n3()
    topic_iri = expand(topic).n3() if topic else None
    alliance_iri = expand(alliance).n3() if alliance else None
    return {
        "as_of": as_of,
        "partner": expand(PARTNER_ROLE).n3(),
        "alliance": f"FILTER (?group = {alliance_iri})" if alliance_iri else "",
        "topic_groups": (
            "FILTER (NOT EXISTS { ?group ag:topic ?gt }"
            f" || EXISTS {{ ?group ag:topic/skos:broaderTransitive? {topic_iri} }})"
            if topic_iri
            else ""
        ),
        "topic_coop": f"FILTER EXISTS {{ ?c ag:topic/skos:broaderTransitive? {topic_iri} }}" if topic_iri else "",
        "holds_m": holds_fragment(["?m"], "certainty"),
        "holds_c": holds_fragment(["?c"], "certainty"),
    }


class Graph:
    """Nodes by IRI and edges in order, as the page draws them."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: list[dict[str, Any]] = []
        self._seen: set[tuple[str, str, str]] = set()

    def node(self, iri: Any, label: Any, kind: Any) -> str:
        key = str(iri)
        self.nodes.setdefault(key, {"id": key, "label": plain(label), "kind": str(kind), "href": _id_path(key)})
        return key

    def edge(self, fact: Any, source: str, target: str, **data: Any) -> None:
        key = (str(fact), source, target)
        if key in self._seen:  # a fact of two kinds (or two roles) is drawn once
            return
        self._seen.add(key)
        since = plain(data.pop("since", None))
        until = plain(data.pop("until", None))
        self.edges.append(
            {
                "id": f"e{len(self.edges)}",
                "fact": str(fact),
                "href": _id_path(str(fact)),
                "source": source,
                "target": target,
                "since": since,
                "until": until or None,
                **{k: plain(v) for k, v in data.items()},
            }
        )


def assemble(memberships: list[dict[str, Any]], cooperation: list[dict[str, Any]]) -> Graph:
    """The graph of the two answers: memberships first, then cooperation between parties."""
    graph = Graph()
    for r in memberships:
        member = graph.node(r["member"], r["memberLabel"], r["memberKind"])
        group = graph.node(r["group"], r["groupLabel"], "grouping")
        graph.edge(
            r["m"], member, group, tie="membership", kind=r["roleClass"], label=r["roleLabel"],
            certainty=r["certainty"], since=r.get("m_since"), until=r.get("m_until"),
        )  # fmt: skip
    for r in cooperation:
        a = graph.node(r["a"], r["aLabel"], r["aKind"])
        b = graph.node(r["b"], r["bLabel"], r["bKind"])
        graph.edge(
            r["c"], a, b, tie=r["tie"], kind=r["kindLabel"], label=r.get("cLabel") or r["kindLabel"],
            certainty=r["certainty"], since=r.get("c_since"), until=r.get("c_until"),
        )  # fmt: skip
    return graph


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    async def rows(request: Request, text: str) -> list[dict[str, Any]]:
        answer: Answer | None = (await state.executor.query(text, client=client_of(request))).answer
        assert answer is not None
        return answer.dicts()

    async def check_known(request: Request, name: str, value: str | None, cls: str) -> None:
        if not value:
            return
        try:
            iri = expand(value)
        except ValueError as exc:
            raise InvalidParameter(name, str(exc)) from None
        found = await rows(request, KNOWN % {"iri": iri.n3(), "cls": cls})
        if not found or str(found[0]["ok"]).lower() not in ("true", "1"):
            kind = "technology" if cls == "ag:Technology" else "grouping"
            raise InvalidParameter(name, f"{value} is not a {kind} the graph knows")

    @api.get("/network", response_class=HTMLResponse)
    async def page(request: Request) -> HTMLResponse:
        today = dt.date.today()
        choices: dict[str, list[dict[str, str]]] = {"topic": [], "alliance": []}
        for r in await rows(request, CHOICES):
            choices[str(r["what"])].append({"id": shorten(str(r["iri"])), "label": str(plain(r["label"]))})
        return TEMPLATES.TemplateResponse(
            request,
            "views/network.html",
            {
                "view": "network",
                "today": today,
                "months": (today.year - 2006) * 12 + today.month - 1,
                "topics": choices["topic"],
                "alliances": choices["alliance"],
            },
        )

    @api.get("/api/network")
    async def network(
        request: Request, as_of: dt.date | None = None, topic: str | None = None, alliance: str | None = None
    ) -> Response:
        """The network as of a date (default today), optionally on a topic or of one alliance."""
        await check_known(request, "topic", topic, "ag:Technology")
        await check_known(request, "alliance", alliance, "ag:Grouping")
        day = as_of or dt.date.today()
        filled = parts(day, topic, alliance)
        graph = assemble(await rows(request, MEMBERSHIPS % filled), await rows(request, COOPERATION % filled))
        return JSONResponse(
            {"as_of": day.isoformat(), "nodes": list(graph.nodes.values()), "edges": graph.edges},
            headers=conditional.headers(state.executor.version(), request),
        )

    return api
