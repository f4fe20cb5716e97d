"""The workbench's timeline: one actor's or technology's memberships, cooperation instruments and
restrictive measures as ranges over time, and the JSON feed it draws (``GET /api/timeline``).

Each fact becomes a range from the first day it may hold to the day it may end (today when no end
is recorded: an open end). Dates keep their precision: a start given as a year or a month spans
days of uncertainty (``from`` … ``certainFrom``), which the page draws lighter, and the text the
page prints is the source's own (``2011``, never ``2011-12-31``). A fact with no date and no dated
report cannot be placed, so it is listed apart (``undated``). Evidence is not repeated here: the
page asks ``/queries/facts-about`` of the actor named in ``evidenceVia``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from rdflib import URIRef
from rdflib.term import Node

from ...namespaces import expand, shorten
from ...results import plain
from .. import conditional
from ..errors import InvalidParameter, NotFound
from ..state import ServiceState, client_of
from ..templates import TEMPLATES
from .fuzzy_dates import day_of, fuzzy

KIND_OF_SUBJECT = """
SELECT ?kind ?label WHERE {
  VALUES ?subject { %(subject)s }
  VALUES (?class ?kind) { (ag:State "state") (ag:Institution "institution") (ag:Grouping "grouping")
                          (ag:Person "person") (ag:Technology "technology") }
  ?subject a ?class .
  OPTIONAL { ?subject rdfs:label ?label }
}
"""

#: How an actor takes part in a fact; a technology's facts are found through ``TECHNOLOGY_LINK``.
ACTOR_LINK = """
  VALUES ?p { org:member org:organization ag:memberState ag:party ag:partyA ag:partyB ag:participant
              ag:concerns ag:mentions ag:announcedBy ag:orderedBy ag:imposer ag:target ag:aimedAt }
  ?fact ?p ?subject .
  BIND (?subject AS ?via)
"""
TECHNOLOGY_LINK = """
  { ?fact ag:restricts ?t . BIND (ag:restricts AS ?p) } UNION { ?fact ag:topic ?t . BIND (ag:topic AS ?p) }
  ?t skos:broaderTransitive? ?subject .
  OPTIONAL { ?fact ag:imposer|ag:party ?via }
"""

FACTS = """
SELECT ?fact ?class (GROUP_CONCAT(DISTINCT STR(?p); separator=" ") AS ?links)
       (SAMPLE(?label_) AS ?label) (SAMPLE(?start_) AS ?start) (SAMPLE(?end_) AS ?end)
       (SAMPLE(?announced_) AS ?announced) (SAMPLE(?validFrom_) AS ?validFrom)
       (SAMPLE(?knownBy_) AS ?knownBy) (SAMPLE(?status_) AS ?status)
       (SAMPLE(?suspendedFrom_) AS ?suspendedFrom) (SAMPLE(?suspendedUntil_) AS ?suspendedUntil)
       (SAMPLE(?member_) AS ?member) (SAMPLE(?memberLabel_) AS ?memberLabel)
       (SAMPLE(?org_) AS ?org) (SAMPLE(?orgLabel_) AS ?orgLabel) (SAMPLE(?roleLabel_) AS ?roleLabel)
       (SAMPLE(?kindLabel_) AS ?kindLabel) (SAMPLE(?measure_) AS ?measure) (SAMPLE(?via) AS ?evidenceVia)
WHERE {
  VALUES ?subject { %(subject)s }
  %(link)s
  VALUES ?class { ag:Membership ag:Cooperation ag:RestrictiveMeasure }
  ?fact a ?class .
  OPTIONAL { ?fact rdfs:label ?label_ }
  OPTIONAL { ?fact ag:startDate ?start_ }
  OPTIONAL { ?fact ag:endDate ?end_ }
  OPTIONAL { ?fact ag:announcedDate ?announced_ }
  OPTIONAL { ?fact ag:validFrom ?validFrom_ }
  OPTIONAL { ?fact ag:knownBy ?knownBy_ }
  OPTIONAL { ?fact ag:status ?status_ }
  OPTIONAL { ?fact ag:suspendedFrom ?suspendedFrom_ }
  OPTIONAL { ?fact ag:suspendedUntil ?suspendedUntil_ }
  OPTIONAL { ?fact org:member ?member_ . OPTIONAL { ?member_ rdfs:label ?memberLabel_ } }
  OPTIONAL { ?fact org:organization ?org_ . OPTIONAL { ?org_ rdfs:label ?orgLabel_ } }
  OPTIONAL { ?fact ag:role/rdfs:label ?roleLabel_ }
  OPTIONAL { ?fact a ?narrow . ?narrow rdfs:subClassOf ?class ; rdfs:label ?kindLabel_ . FILTER (?narrow != ?class) }
  OPTIONAL { VALUES (?mclass ?measure_) { (ag:Sanction "sanction") (ag:ExportControl "export-control") }
             ?fact a ?mclass }
}
GROUP BY ?fact ?class
"""

#: The timeline's rows (vis-timeline groups), in the order the page shows them.
GROUPS = [
    ("membership", "Memberships"),
    ("cooperation", "Cooperation instruments"),
    ("sanction", "Sanctions"),
    ("export-control", "Export controls"),
    ("measure", "Other restrictive measures"),
]

#: The subject's part in a fact, strongest first (a party is also "concerned" by what it signs).
RELATIONS = [
    ("http://www.w3.org/ns/org#member", "member"),
    ("http://www.w3.org/ns/org#organization", "the grouping"),
    ("ag:partyA", "party (side A)"),
    ("ag:partyB", "party (side B)"),
    ("ag:party", "party"),
    ("ag:participant", "participant"),
    ("ag:imposer", "imposer"),
    ("ag:target", "target"),
    ("ag:aimedAt", "aimed at"),
    ("ag:restricts", "restricted technology"),
    ("ag:topic", "topic"),
    ("ag:announcedBy", "announced it"),
    ("ag:orderedBy", "ordered it"),
    ("ag:memberState", "state of the member"),
    ("ag:concerns", "concerned"),
    ("ag:mentions", "mentioned"),
]


def subject_of(raw: str) -> URIRef:
    """The subject parameter as an IRI, or a 422 that says what to give."""
    try:
        return expand(raw.strip())
    except ValueError as exc:
        raise InvalidParameter(
            "subject", f"{exc}; give a prefixed name such as state:RUS (find one with /search?q=)"
        ) from None


def _relation(links: str) -> str:
    found = {shorten(link) for link in links.split()} | set(links.split())
    return next((label for key, label in RELATIONS if key in found), "concerned")


def _group(row: dict[str, Node | None]) -> str:
    cls = shorten(str(row["class"]))
    if cls == "ag:Membership":
        return "membership"
    if cls == "ag:Cooperation":
        return "cooperation"
    return str(row["measure"]) if row.get("measure") is not None else "measure"


def _text(row: dict[str, Node | None], subject: str, relation: str) -> str:
    """What the bar says: for a membership the other side and the role, else the fact's label."""
    label = plain(row.get("label")) or shorten(str(row["fact"]))
    if shorten(str(row["class"])) != "ag:Membership":
        return str(label)
    role = plain(row.get("roleLabel")) or "member"
    org = plain(row.get("orgLabel")) or shorten(str(row.get("org") or ""))
    member = plain(row.get("memberLabel")) or shorten(str(row.get("member") or ""))
    if str(row.get("org")) == subject:
        return f"{member} — {role}"
    if relation == "member":
        return f"{org} — {role}"
    return f"{member} in {org} — {role}"


def drawn_range(row: Mapping[str, Node | None], today: dt.date) -> dict[str, Any] | None:
    """Where the bar runs: from the first day the fact may hold (``from``) through the first day
    it certainly holds (``certainFrom``) to the first day it may have ended (``certainUntil``)
    and the last (``to``); None when nothing dates it."""
    start = fuzzy(row.get("start")) or fuzzy(row.get("announced"))
    end = fuzzy(row.get("end"))
    known_by = day_of(row.get("knownBy")) or day_of(row.get("validFrom"))
    certain_from = day_of(row.get("validFrom")) or (start.latest if start else known_by)
    first = start.earliest if start else known_by
    if first is None or certain_from is None:
        return None
    last = end.latest if end else max(today, certain_from)
    certain_until = end.earliest if end else last
    return {
        "from": first.isoformat(),
        "certainFrom": max(first, min(certain_from, last)).isoformat(),
        "certainUntil": max(first, min(certain_until, last)).isoformat(),
        "to": last.isoformat(),
        "open": end is None,
        "startKnown": start is not None,
    }


def item(row: dict[str, Node | None], subject: str, today: dt.date) -> dict[str, Any]:
    """One fact as the page draws and lists it."""
    relation = _relation(str(row.get("links") or ""))
    start, end, announced = (fuzzy(row.get(k)) for k in ("start", "end", "announced"))
    suspended = fuzzy(row.get("suspendedFrom"))
    suspended_until = fuzzy(row.get("suspendedUntil"))
    fact = str(row["fact"])
    return {
        "fact": fact,
        "id": shorten(fact),
        "group": _group(row),
        "kind": plain(row.get("kindLabel")) or shorten(str(row["class"]))[3:].lower(),
        "text": _text(row, subject, relation),
        "label": plain(row.get("label")),
        "relation": relation,
        "role": plain(row.get("roleLabel")),
        "status": plain(row.get("status")),
        "start": start.as_json() if start else None,
        "startIs": "start" if row.get("start") is not None else ("announced" if announced else None),
        "end": end.as_json() if end else None,
        "announced": announced.as_json() if announced else None,
        "knownBy": plain(row.get("knownBy")),
        "suspension": (
            {"from": suspended.as_json(), "until": suspended_until.as_json() if suspended_until else None}
            if suspended
            else None
        ),
        "range": drawn_range(row, today),
        "evidenceVia": shorten(str(row["evidenceVia"])) if row.get("evidenceVia") is not None else None,
    }


def timeline_of(subject: URIRef, kind: str, rows: list[dict[str, Node | None]], today: dt.date) -> dict[str, Any]:
    """The feed: the subject, the groups that have facts, the placed items and the undated ones."""
    items = [item(r, str(subject), today) for r in rows]
    items.sort(key=lambda i: ((i["range"] or {}).get("from") or "9999", i["id"]))
    present = {i["group"] for i in items}
    return {
        "groups": [{"id": key, "label": label} for key, label in GROUPS if key in present],
        "items": [i for i in items if i["range"] is not None],
        "undated": [i for i in items if i["range"] is None],
        "today": today.isoformat(),
    }


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    async def rows(request: Request, text: str) -> list[dict[str, Node | None]]:
        answer = (await state.executor.query(text, client=client_of(request))).answer
        assert answer is not None
        return answer.dicts()

    @api.get("/timeline", response_class=HTMLResponse)
    async def page(request: Request) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, "views/timeline.html", {"view": "timeline"})

    @api.get("/api/timeline")
    async def feed(
        request: Request, subject: str = Query(min_length=1, max_length=500, description="state:RUS, tech:…")
    ) -> Response:
        iri = subject_of(subject)
        found = await rows(request, KIND_OF_SUBJECT % {"subject": iri.n3()})
        if not found:
            raise NotFound(f"{subject} is not a known state, institution, grouping, person or technology")
        kind = str(found[0]["kind"])
        link = TECHNOLOGY_LINK if kind == "technology" else ACTOR_LINK
        facts = await rows(request, FACTS % {"subject": iri.n3(), "link": link})
        body = {
            "subject": {"iri": str(iri), "id": shorten(str(iri)), "label": plain(found[0]["label"]), "kind": kind},
            **timeline_of(iri, kind, facts, dt.date.today()),
        }
        return JSONResponse(body, headers=conditional.headers(state.executor.version(), request))

    return api
