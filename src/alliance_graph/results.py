"""Answers as analysts read them: plain values, evidence expanded, as JSON, CSV or a text table.

Named questions return a ``sources`` column of document IRIs and a ``facts`` column of the fact
IRIs that put the row there; this module replaces them by an ``evidence`` list (URL, title,
publisher, tier, date) and an ``explanation`` (the chain of facts as steps, each with its kind,
label, dates as precise as the sources give them and its citations with their quotes, and one
readable sentence), all fetched in one query per page, so every row carries its reasons in every
output format. ``evidence_query`` + ``evidence_details`` + ``records`` is the whole API: a caller
(CLI, HTTP service) runs the first on its store and hands the answer to the other two.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from .namespaces import shorten
from .store import Answer, Store

EVIDENCE_QUERY = """
SELECT ?source ?what ?url ?title ?publisher ?published ?tier ?label ?kind ?start ?end ?announced ?knownBy
       ?doc ?quote ?citation WHERE {
  {
    VALUES ?source { %(documents)s }
    BIND ("document" AS ?what)
    ?source ag:url ?url .
    OPTIONAL { ?source dct:title ?title }
    OPTIONAL { ?source ag:publisher/rdfs:label ?publisher }
    OPTIONAL { ?source ag:published ?published }
    OPTIONAL { ?source ag:tier/rdfs:label ?tier }
  } UNION {
    VALUES ?source { %(facts)s }
    BIND ("fact" AS ?what)
    OPTIONAL { ?source rdfs:label ?label }
    OPTIONAL { ?source a ?class . ?class rdfs:subClassOf+ ag:Fact ; rdfs:label ?kind .
               FILTER NOT EXISTS { ?source a ?narrower . ?narrower rdfs:subClassOf ?class .
                                   FILTER (?narrower != ?class) } }
    OPTIONAL { ?source ag:startDate ?start }
    OPTIONAL { ?source ag:endDate ?end }
    OPTIONAL { ?source ag:announcedDate ?announced }
    OPTIONAL { ?source ag:knownBy ?knownBy }
  } UNION {
    VALUES ?source { %(facts)s }
    BIND ("citation" AS ?what)
    ?source ag:citation ?citation . ?citation ag:document ?doc ; ag:quote ?quote .
    OPTIONAL { ?doc ag:url ?url }
    OPTIONAL { ?doc ag:tier/rdfs:label ?tier }
  }
}
"""
NOTHING = "<urn:alliance-graph:none>"


def plain(term: Node | None) -> Any:
    """A JSON-ready value: IRIs as strings, typed literals as their Python value or lexical form."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float | str):
            return value
        return str(term)
    return str(term)


def _iris(answer: Answer, column: str) -> list[str]:
    if column not in answer.variables:
        return []
    index = answer.variables.index(column)
    # Only absolute IRIs: an analyst's own query may name a column "facts" or "sources" for counts.
    found = {iri for row in answer.rows if row[index] for iri in str(row[index]).split()}
    return sorted(iri for iri in found if iri.startswith(("http://", "https://", "urn:")))


def carries_evidence(answer: Answer) -> bool:
    """Whether the ``sources`` or ``facts`` column holds IRIs to expand (an analyst's own query may
    use those names for something else, and then they are shown as they are)."""
    return bool(_iris(answer, "sources") or _iris(answer, "facts"))


def evidence_query(answer: Answer) -> str | None:
    """The query that fetches every document of the ``sources`` column and every fact of the
    ``facts`` column of ``answer`` (``None`` when there is none); callers run it on their store as
    they run any query and pass its answer to ``evidence_details``."""
    documents = _iris(answer, "sources")
    facts = _iris(answer, "facts")
    if not documents and not facts:
        return None
    return EVIDENCE_QUERY % {
        "documents": " ".join(URIRef(i).n3() for i in documents) or NOTHING,
        "facts": " ".join(URIRef(i).n3() for i in facts) or NOTHING,
    }


def evidence_details(found: Answer | None) -> dict[str, dict[str, Any]]:
    """IRI → details: a document's URL, title, publisher, tier and date; a fact's kind, label,
    dates (as precise as given) and citations (document, URL, tier, quote)."""
    if found is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for row in found.dicts():
        iri = str(row["source"])
        what = str(row.get("what"))
        if what == "document":
            out[iri] = {
                k: plain(row.get(k))
                for k in ("url", "title", "publisher", "published", "tier")
                if row.get(k) is not None
            }
            out[iri]["source"] = iri
        elif what == "fact":
            entry = out.setdefault(iri, {"fact": iri, "citations": []})
            for key in ("label", "kind", "start", "end", "announced", "knownBy"):
                if row.get(key) is not None and key not in entry:
                    entry[key] = plain(row[key])
        elif what == "citation":
            entry = out.setdefault(iri, {"fact": iri, "citations": []})
            citation = {
                "document": str(row["doc"]),
                "url": plain(row.get("url")),
                "tier": plain(row.get("tier")),
                "quote": plain(row.get("quote")),
            }
            if citation not in entry["citations"]:
                entry["citations"].append(citation)
    for entry in out.values():
        if "citations" in entry:
            entry["citations"].sort(key=lambda c: (c["document"], c["quote"] or ""))
    return out


def evidence_index(store: Store, answer: Answer) -> dict[str, dict[str, Any]]:
    """Details of every document and fact the answer names, looked up in ``store``."""
    text = evidence_query(answer)
    return evidence_details(store.query(text) if text else None)


def _distinct_evidence(iris: list[str], evidence: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per page."""
    seen: dict[str, dict[str, Any]] = {}
    for iri in iris:
        entry = evidence.get(iri, {"source": iri})
        seen.setdefault(str(entry.get("url", iri)), entry)
    return list(seen.values())


def _dates(step: dict[str, Any]) -> str:
    start = step.get("start") or step.get("announced")
    end = step.get("end")
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"since {start}"
    known = step.get("knownBy")
    return f"date unknown (reported by {known})" if known else "date unknown (no dated source)"


def explanation(
    fact_iris: list[str], evidence: dict[str, dict[str, Any]], subject: str | None = None
) -> dict[str, Any]:
    """The chain of facts behind a row: steps (fact, kind, label, dates, citations) and a sentence."""
    steps = []
    for iri in fact_iris:
        found = evidence.get(iri, {})
        step = {
            "fact": iri,
            "kind": found.get("kind"),
            "label": found.get("label"),
            "start": found.get("start") or found.get("announced"),
            "end": found.get("end"),
            "knownBy": found.get("knownBy"),
            "dates": _dates(found),
            "citations": found.get("citations", []),
        }
        steps.append(step)
    parts = [
        f"{s['label'] or shorten(s['fact'])} ({s['kind'] or 'fact'}, {s['dates']}) [{shorten(s['fact'])}]"
        for s in steps
    ]
    sentence = " — ".join(([subject] if subject else []) + parts)
    return {"sentence": sentence, "steps": steps}


def _subject(item: dict[str, Any]) -> str | None:
    for key, value in item.items():
        if key.endswith("Label") and isinstance(value, str):
            return value
    return None


def records(answer: Answer, evidence: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Rows as dicts of plain values, with ``sources`` expanded into ``evidence`` and ``facts``
    into ``explanation``."""
    out = []
    for row in answer.dicts():
        item: dict[str, Any] = {}
        for key, value in row.items():
            if key == "sources" and evidence is not None:
                item["evidence"] = _distinct_evidence(str(value or "").split(), evidence)
            elif key == "facts" and evidence is not None:
                item["explanation"] = str(value or "")
            else:
                item[key] = plain(value)
        if evidence is not None and "explanation" in item:
            item["explanation"] = explanation(str(item["explanation"]).split(), evidence, _subject(item))
        out.append(item)
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and "sentence" in value:
        return str(value["sentence"])
    if isinstance(value, list):
        return "; ".join(
            f"{e.get('title') or e.get('source')} <{e.get('url', '')}>" if isinstance(e, dict) else str(e)
            for e in value
        )
    if isinstance(value, str) and value.startswith("https://w3id.org/alliance-graph/"):
        return shorten(value)
    return str(value)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def to_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], max_width: int = 60) -> str:
    """A fixed-width text table for terminals."""
    cells = [[_cell(row.get(c))[:max_width] for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def columns_of(answer: Answer, evidence: bool) -> list[str]:
    """The columns analysts see: ``sources`` becomes ``evidence`` and ``facts`` ``explanation``."""
    renamed = {"sources": "evidence", "facts": "explanation"} if evidence else {}
    return [renamed.get(v, v) for v in answer.variables]


def explain_text(rows: Sequence[dict[str, Any]]) -> str:
    """Every row's explanation in full, for ``alliance-graph query ... --explain``."""
    lines: list[str] = []
    for number, row in enumerate(rows, start=1):
        reason = row.get("explanation")
        if not isinstance(reason, dict):
            continue
        head = f"{number}. {reason['sentence']}"
        if row.get("certainty"):
            head += f"  [{row['certainty']}]"
        lines.append(head)
        for step in reason["steps"]:
            lines.append(f"   - {shorten(step['fact'])}: {step['kind'] or 'fact'}, {step['dates']}")
            for citation in step["citations"]:
                lines.append(f'       {citation["tier"] or "?"}: "{citation["quote"]}" <{citation["url"]}>')
    return "\n".join(lines)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
