"""Is a candidate new, already known, or in disagreement with what the graph holds?

A candidate that names the same kind of fact with the same key participants, and whose date (if
it gives one) fits the known fact's date window, is proposed as one more citation of that fact. One
that names the same participants with another date, rank or role is proposed as a disagreement
(``disagreesWith``): both are kept, as for any two sources that disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import Literal, URIRef

from ..namespaces import expand, shorten, sparql_prefix_block
from ..store import Store
from .dates import DateValue, parse_date_value
from .propose import Candidate

_DATES = (
    "OPTIONAL { ?f ag:startDate ?start } OPTIONAL { ?f ag:announcedDate ?announced } "
    "OPTIONAL { ?f ag:signedDate ?signed }"
)


def _iri(prefixed: str) -> str:
    return URIRef(expand(prefixed)).n3()


def _values(name: str, prefixed: list[str]) -> str:
    return f"VALUES ?{name} {{ {' '.join(_iri(p) for p in prefixed)} }}"


def _query(candidate: Candidate) -> tuple[str, str | None] | None:
    """The SPARQL that finds facts this candidate could be, and the variable that must agree."""
    r = candidate.record
    if candidate.kind == "directive":
        return (
            f"?f a ag:Directive ; ag:orderedBy {_iri(r['orderedBy'])} ; ag:mentions ?m . {_values('m', r['mentions'])}",
            None,
        )
    if candidate.kind == "announcement":
        return f"?f ag:announcedBy {_iri(r['announcedBy'])} ; ag:instrumentKind ikind:announcement .", None
    if candidate.kind == "exchange":
        parties = " ".join(f"?f ag:party|ag:partyA|ag:partyB {_iri(p)} ." for p in r["party"])
        return f"?f a ag:Exchange . {parties}", None
    if candidate.kind == "instrument":
        parties = " ".join(f"?f ag:party|ag:partyA|ag:partyB {_iri(p)} ." for p in r["partyA"] + r["partyB"])
        return f"?f a ag:Cooperation . {parties}", None
    if candidate.kind == "membership":
        return (
            f"?f org:member {_iri(r['member'])} ; org:organization {_iri(r['organization'])} ; ag:role ?value .",
            "role",
        )
    if candidate.kind == "ranking":
        size = Literal(r["indexSize"]).n3()
        return (f"?f ag:rankedState {_iri(r['rankedState'])} ; ag:inIndex ?index ; ag:rank ?value . "
                f"?index ag:indexSize {size} .", "rank")  # fmt: skip
    if candidate.kind == "claim":
        topic = f"?f ag:topic {_iri(r['topic'])} ." if "topic" in r else ""
        return f"?f a ag:Claim ; ag:about {_iri(r['about'])} ; ag:statement ?value . {topic}", "statement"
    if candidate.kind == "measure":
        targets = " ".join(f"?f ag:target {_iri(t)} ." for t in r["target"])
        return f"?f a ag:RestrictiveMeasure ; ag:imposer {_iri(r['imposer'])} . {targets}", None
    return None


def _window(row: Mapping[str, object]) -> list[DateValue]:
    found = []
    for key in ("start", "announced", "signed"):
        value = row.get(key)
        if value is not None:
            try:
                found.append(parse_date_value(str(value)))
            except ValueError:
                continue
    return found


def _candidate_date(candidate: Candidate) -> DateValue | None:
    for key in ("startDate", "signedDate", "announcedDate"):
        if key in candidate.record:
            return parse_date_value(str(candidate.record[key]))
    return None


def compare(candidates: list[Candidate], store: Store) -> None:
    """Set each candidate's ``status``, ``matches`` and ``reason`` from what ``store`` holds."""
    for candidate in candidates:
        shaped = _query(candidate)
        if shaped is None:
            continue
        pattern, agree = shaped
        select = "?f ?start ?announced ?signed" + (" ?value" if agree else "")
        text = sparql_prefix_block() + f"SELECT DISTINCT {select} WHERE {{ {pattern} {_DATES} }} ORDER BY ?f"
        rows = store.query(text).dicts()
        if not rows:
            continue
        date = _candidate_date(candidate)
        best = None
        for row in rows:
            dates = _window(row)
            fits = date is None or not dates or any(date.overlaps(d.earliest, d.latest) for d in dates)
            same = agree is None or _same(candidate, agree, row.get("value"))
            if fits and same:
                best = ("known", row, "same kind, participants and a compatible date")
                break
            if best is None and agree != "statement":
                why = "another date" if not fits else f"another {agree}"
                best = ("disagreement", row, f"same kind and participants, {why}")
        if best is None:
            continue
        candidate.status, row, candidate.reason = best
        candidate.matches = shorten(str(row["f"]))
        if candidate.kind == "ranking" and "index" not in candidate.record:
            index = store.query(sparql_prefix_block() + f"SELECT ?i WHERE {{ <{row['f']}> ag:inIndex ?i }}").rows
            if index:
                candidate.record["inIndex"] = shorten(str(index[0][0]))


def _same(candidate: Candidate, agree: str, value: object) -> bool:
    if agree == "rank":
        return bool(str(value) == str(candidate.record["rank"]))
    if agree == "role":
        return bool(shorten(str(value)) == candidate.record["role"])
    if agree == "statement":
        # With the same subject and topic, a few shared words suffice; without a topic, more are needed.
        needed = _SAME_CLAIM_WITH_TOPIC if "topic" in candidate.record else _SAME_CLAIM
        return _overlap(str(candidate.record["statement"]), str(value)) >= needed
    return True


_SAME_CLAIM = 0.25
_SAME_CLAIM_WITH_TOPIC = 0.1
_WORD = re.compile(r"[a-z]{4,}")


def _overlap(one: str, other: str) -> float:
    """Share of content words two statements have in common (Jaccard), to tell claims apart."""
    a, b = set(_WORD.findall(one.lower())), set(_WORD.findall(other.lower()))
    return len(a & b) / len(a | b) if a and b else 0.0
