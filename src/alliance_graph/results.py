"""Answers as analysts read them: plain values, evidence expanded, as JSON, CSV or a text table.

Named questions return a ``sources`` column of source IRIs; this module replaces it by an
``evidence`` list (URL, title, publisher, date, quote) fetched in one query per page, so that
every row carries its citation in every output format.
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
SELECT ?source ?url ?title ?publisher ?published ?quote WHERE {
  VALUES ?source { %s }
  ?source ag:url ?url .
  OPTIONAL { ?source dct:title ?title }
  OPTIONAL { ?source ag:publisher ?publisher }
  OPTIONAL { ?source ag:published ?published }
  OPTIONAL { ?source ag:quote ?quote }
}
"""


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


def evidence_query(answer: Answer) -> str | None:
    """The query that fetches every source named in the ``sources`` column of ``answer``
    (``None`` when there is none); callers run it on their store as they run any query."""
    if "sources" not in answer.variables:
        return None
    column = answer.variables.index("sources")
    iris = sorted({iri for row in answer.rows if row[column] for iri in str(row[column]).split()})
    if not iris:
        return None
    return EVIDENCE_QUERY % " ".join(URIRef(iri).n3() for iri in iris)


def evidence_details(found: Answer | None) -> dict[str, dict[str, Any]]:
    """Source IRI → its details (URL, title, publisher, date, quote), from ``evidence_query``'s answer."""
    if found is None:
        return {}
    return {str(row["source"]): {key: plain(value) for key, value in row.items()} for row in found.dicts()}


def evidence_index(store: Store, answer: Answer) -> dict[str, dict[str, Any]]:
    """Details of every source named in the ``sources`` column of ``answer``, looked up in ``store``."""
    text = evidence_query(answer)
    return evidence_details(store.query(text) if text else None)


def _distinct_evidence(iris: list[str], evidence: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per page: several quotes of one URL are several source nodes but one citation."""
    seen: dict[str, dict[str, Any]] = {}
    for iri in iris:
        entry = evidence.get(iri, {"source": iri})
        seen.setdefault(str(entry.get("url", iri)), entry)
    return list(seen.values())


def records(answer: Answer, evidence: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Rows as dicts of plain values, with ``sources`` expanded into ``evidence``."""
    out = []
    for row in answer.dicts():
        item: dict[str, Any] = {}
        for key, value in row.items():
            if key == "sources" and evidence is not None:
                item["evidence"] = _distinct_evidence(str(value or "").split(), evidence)
            else:
                item[key] = plain(value)
        out.append(item)
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
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
    return ["evidence" if (v == "sources" and evidence) else v for v in answer.variables]


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
