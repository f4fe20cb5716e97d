"""The workbench's world map: three choropleths of states and the JSON feed they draw
(``GET /api/map``), plus the choices its controls offer (``GET /api/map/options``).

* ``members``: the members of a grouping as of a date, coloured by role (member, partner
  country, invited, declined, ambiguous …), from the grouping's membership records;
* ``restrictions``: who imposes, and who is targeted by, restrictive measures on a technology (or
  a narrower one) in force on the date;
* ``instruments``: the states party, with a given state, to a cooperation instrument on a topic
  (AI by default), as parties on opposite sides, never bystanders.

A fact holds on the date ``certain``ly, or only ``possible`` when its date is a year or a month
that spans the day. The map's shapes (world-atlas) are keyed by ISO 3166-1 numeric codes; the graph's
states by alpha-3: pycountry maps one to the other here, so the page need not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pycountry
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
from .fuzzy_dates import fuzzy
from .timeline import drawn_range

VIEWS = ("members", "restrictions", "instruments")
STATE_BASE = "https://w3id.org/alliance-graph/id/state/"
DATES = """
  OPTIONAL { ?fact ag:startDate ?start } OPTIONAL { ?fact ag:endDate ?end }
  OPTIONAL { ?fact ag:announcedDate ?announced } OPTIONAL { ?fact ag:validFrom ?validFrom }
  OPTIONAL { ?fact ag:knownBy ?knownBy } OPTIONAL { ?fact ag:status ?status }
  OPTIONAL { ?fact rdfs:label ?label }
"""

MEMBERS = """
SELECT ?fact ?actor ?actorLabel ?isState ?role ?roleLabel ?counts ?start ?end ?announced ?validFrom ?knownBy
       ?status ?label WHERE {
  VALUES ?subject { %(subject)s }
  ?fact a ag:Membership ; org:organization ?subject ; org:member ?actor ; ag:role ?role .
  ?role rdfs:label ?roleLabel .
  OPTIONAL { ?role ag:countsAsMembership ?counts }
  OPTIONAL { ?actor rdfs:label ?actorLabel }
  BIND (EXISTS { ?actor a ag:State } AS ?isState)
  %(dates)s
}
"""

RESTRICTIONS = """
SELECT DISTINCT ?fact ?actor ?actorLabel ?isState ?part ?start ?end ?announced ?validFrom ?knownBy ?status ?label
WHERE {
  VALUES ?subject { %(subject)s }
  ?fact a ag:RestrictiveMeasure ; ag:restricts ?t . ?t skos:broaderTransitive? ?subject .
  { ?fact ag:imposer ?actor . BIND ("imposes" AS ?part) }
  UNION { ?fact ag:target ?actor . ?actor a ag:State . BIND ("targeted" AS ?part) }
  UNION { ?fact ag:target ?inst . ?inst ag:ofState ?actor . FILTER (?inst != ?actor)
          BIND ("institutions targeted" AS ?part) }
  OPTIONAL { ?actor rdfs:label ?actorLabel }
  BIND (EXISTS { ?actor a ag:State } AS ?isState)
  %(dates)s
}
"""

INSTRUMENTS = """
SELECT DISTINCT ?fact ?actor ?actorLabel ?isState ?part ?start ?end ?announced ?validFrom ?knownBy ?status ?label
WHERE {
  VALUES ?subject { %(subject)s }
  VALUES ?topic { %(topic)s }
  ?fact a ag:Cooperation ; ag:tieKind ?part ; ag:topic ?t . ?t skos:broaderTransitive? ?topic .
  FILTER NOT EXISTS { ?fact ag:status ?s FILTER (STR(?s) IN ("announced", "proposed")) }
  { ?fact ag:partyA ?x ; ag:partyB ?y } UNION { ?fact ag:partyB ?x ; ag:partyA ?y }
  UNION { ?fact ag:party ?x , ?y . FILTER NOT EXISTS { ?fact ag:partyA ?side } }
  ?y ag:ofState? ?subject .
  ?x ag:ofState? ?actor . ?actor a ag:State .
  FILTER (?actor != ?subject)
  OPTIONAL { ?actor rdfs:label ?actorLabel }
  BIND (true AS ?isState)
  %(dates)s
}
"""

KIND_CHECK = "ASK { %(subject)s a %(cls)s }"

OPTIONS = """
SELECT DISTINCT ?what ?e ?label WHERE {
  { ?m a ag:Membership ; org:organization ?e ; org:member ?s . ?s a ag:State . BIND ("grouping" AS ?what) }
  UNION { ?x a ag:RestrictiveMeasure ; ag:restricts ?r . ?r skos:broaderTransitive? ?e . ?e a ag:Technology .
          BIND ("technology" AS ?what) }
  UNION { ?c a ag:Cooperation ; ag:party ?e . ?e a ag:State . BIND ("state" AS ?what) }
  ?e rdfs:label ?label .
}
"""

#: The legend of each view, in order: key, label, and how strongly it wins when a state has several.
LEGENDS: dict[str, list[tuple[str, str]]] = {
    "members": [
        ("member", "member (founding or full)"),
        ("partner-country", "partner country"),
        ("ambiguous", "status ambiguous (sources disagree)"),
        ("invited", "invited"),
        ("declined", "declined"),
    ],
    "restrictions": [
        ("imposes and targeted", "imposes measures and is targeted"),
        ("imposes", "imposes measures"),
        ("targeted", "targeted by measures"),
        ("institutions targeted", "its institutions targeted"),
    ],
    "instruments": [
        ("bilateral instrument", "bilateral instrument"),
        ("multilateral instrument", "multilateral instrument"),
        ("institution-level", "institution-level (an institution of the state is party)"),
    ],
}
SUBJECT_CLASS = {"members": "ag:Grouping", "restrictions": "ag:Technology", "instruments": "ag:State"}


def numeric_code(alpha3: str) -> str | None:
    """The ISO 3166-1 numeric code (world-atlas's feature id) of an alpha-3 state key.

    >>> numeric_code("BRA"), numeric_code("XXX")
    ('076', None)
    """
    country = pycountry.countries.get(alpha_3=alpha3)
    return str(country.numeric) if country is not None else None


def holds(row: Mapping[str, Node | None], day: dt.date) -> str | None:
    """``certain`` when the fact surely holds on ``day``, ``possible`` when its imprecise dates
    allow it, None when it does not (or nothing dates it)."""
    span = drawn_range(row, max(day, dt.date.today()))
    if span is None:
        return None
    text = day.isoformat()
    ended = not span["open"]
    if span["certainFrom"] <= text and (not ended or text < span["certainUntil"]):
        return "certain"
    if span["from"] <= text and (not ended or text <= span["to"]):
        return "possible"
    return None


def _category(view: str, row: Mapping[str, Node | None]) -> str:
    if view == "members":
        if plain(row.get("counts")) is True:
            return "member"
        return str(row["role"]).rsplit("/", 1)[-1]
    return str(row["part"])


def _fact(row: Mapping[str, Node | None], category: str, certainty: str) -> dict[str, Any]:
    start, end = fuzzy(row.get("start")) or fuzzy(row.get("announced")), fuzzy(row.get("end"))
    return {
        "fact": str(row["fact"]),
        "id": shorten(str(row["fact"])),
        "label": plain(row.get("label")),
        "category": category,
        "role": plain(row.get("roleLabel")) or category,
        "start": start.text if start else None,
        "end": end.text if end else None,
        "knownBy": plain(row.get("knownBy")),
        "status": plain(row.get("status")),
        "holds": certainty,
    }


def _winner(view: str, facts: list[dict[str, Any]]) -> tuple[str, str]:
    """A state's colour: for a grouping, its most recent recorded status (certain before
    possible); elsewhere the strongest part it plays; and whether that is certain."""
    certain = [f for f in facts if f["holds"] == "certain"] or facts
    certainty = "certain" if certain[0]["holds"] == "certain" else "possible"
    if view == "members":
        latest = max(certain, key=lambda f: (f["start"] or f["knownBy"] or "", f["category"] == "member"))
        return latest["category"], certainty
    order = [key for key, _label in LEGENDS[view]]
    parts = {f["category"] for f in certain}
    if view == "restrictions" and {"imposes", "targeted"} <= parts:
        return "imposes and targeted", certainty
    return min(parts, key=lambda p: order.index(p) if p in order else len(order)), certainty


def choropleth(view: str, rows: list[dict[str, Node | None]], day: dt.date) -> dict[str, Any]:
    """Per actor, the facts of the view holding on ``day`` and the colour they give it."""
    actors: dict[str, dict[str, Any]] = {}
    for row in rows:
        certainty = holds(row, day)
        if certainty is None:
            continue
        iri = str(row["actor"])
        entry = actors.setdefault(
            iri,
            {
                "iri": iri,
                "id": shorten(iri),
                "label": plain(row.get("actorLabel")) or shorten(iri),
                "isState": plain(row.get("isState")) is True,
                "facts": [],
            },
        )
        fact = _fact(row, _category(view, row), certainty)
        if fact not in entry["facts"]:
            entry["facts"].append(fact)
    states, others = [], []
    for entry in sorted(actors.values(), key=lambda e: str(e["label"])):
        entry["facts"].sort(key=lambda f: (f["start"] or "", f["id"]))
        entry["category"], entry["certainty"] = _winner(view, entry["facts"])
        if entry["isState"] and entry["iri"].startswith(STATE_BASE):
            entry["iso3"] = entry["iri"][len(STATE_BASE) :]
            entry["numeric"] = numeric_code(entry["iso3"])
            states.append(entry)
        else:
            others.append(entry)
    known = [key for key, _ in LEGENDS[view]]
    present = {e["category"] for e in states + others}
    legend: list[dict[str, Any]] = [{"key": k, "label": label} for k, label in LEGENDS[view] if k in present]
    legend += [{"key": k, "label": k.replace("-", " ")} for k in sorted(present - set(known))]
    for item in legend:
        item["count"] = sum(1 for e in states if e["category"] == item["key"])
    return {"legend": legend, "states": states, "others": others}


def _iri(name: str, raw: str | None, default: str) -> URIRef:
    try:
        return expand((raw or default).strip())
    except ValueError as exc:
        raise InvalidParameter(name, f"{exc}; give a prefixed name (find one with /search?q=)") from None


def router(state: ServiceState) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    async def answer(request: Request, text: str) -> Any:
        found = (await state.executor.query(text, client=client_of(request))).answer
        assert found is not None
        return found

    @api.get("/map", response_class=HTMLResponse)
    async def page(request: Request) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            request, "views/map.html", {"view": "map", "today": dt.date.today().isoformat()}
        )

    @api.get("/api/map/options")
    async def options(request: Request) -> Response:
        out: dict[str, list[dict[str, str]]] = {"grouping": [], "technology": [], "state": []}
        for row in (await answer(request, OPTIONS)).dicts():
            out[str(row["what"])].append({"id": shorten(str(row["e"])), "label": str(row["label"])})
        for values in out.values():
            values.sort(key=lambda v: v["label"].casefold())
        return JSONResponse(out, headers=conditional.headers(state.executor.version(), request))

    @api.get("/api/map")
    async def feed(
        request: Request,
        view: str = Query("members", description="members, restrictions or instruments"),
        subject: str | None = Query(None, max_length=500, description="the grouping, technology or state asked about"),
        as_of: dt.date | None = None,
        topic: str | None = Query(None, max_length=500, description="instruments: the topic (default AI)"),
    ) -> Response:
        if view not in VIEWS:
            raise InvalidParameter("view", f"view is one of {', '.join(VIEWS)}, not {view!r}")
        defaults = {"members": "alliance:brics", "restrictions": "tech:semiconductors", "instruments": "state:CHN"}
        iri = _iri("subject", subject, defaults[view])
        cls = SUBJECT_CLASS[view]
        if not (await answer(request, KIND_CHECK % {"subject": iri.n3(), "cls": cls})).boolean:
            raise NotFound(f"{subject} is not a known {cls[3:].lower()} (the {view} view asks for one)")
        topic_iri = _iri("topic", topic, "tech:artificial-intelligence")
        day = as_of or dt.date.today()
        template = {"members": MEMBERS, "restrictions": RESTRICTIONS, "instruments": INSTRUMENTS}[view]
        text = template % {"subject": iri.n3(), "topic": topic_iri.n3(), "dates": DATES}
        label = await answer(request, f"SELECT ?l WHERE {{ {iri.n3()} rdfs:label ?l }} LIMIT 1")
        body = {
            "view": view,
            "asOf": day.isoformat(),
            "subject": {
                "iri": str(iri),
                "id": shorten(str(iri)),
                "label": plain(label.rows[0][0]) if label.rows else None,
                "numeric": numeric_code(str(iri)[len(STATE_BASE) :]) if str(iri).startswith(STATE_BASE) else None,
            },
            "topic": shorten(str(topic_iri)) if view == "instruments" else None,
            **choropleth(view, (await answer(request, text)).dicts(), day),
        }
        return JSONResponse(body, headers=conditional.headers(state.executor.version(), request))

    return api
