"""Candidates on disk, and the decisions a person makes on them.

``ingest`` writes one file per article to ``data/candidates/`` (outside the files the build
compiles, so nothing there reaches the graph). ``review`` accepts, edits or rejects each candidate:
an accepted one is written into ``data/ingested.yaml`` (a new fact, or a disagreement linked with
``disagreesWith``) or, when it matches a known fact, as one more citation of that fact in the file
that holds it; each accepted record keeps the rule that proposed it and who reviewed it when.
Rejections are remembered in ``data/candidates/rejected.yaml`` so the same proposal is not made
again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .propose import Candidate
from .read import Article

INGESTED = "ingested.yaml"
REJECTED = "rejected.yaml"
_SLUG = re.compile(r"[^a-z0-9]+")
_PREFIX = {"directive": "cooperation", "announcement": "cooperation", "instrument": "cooperation",
           "exchange": "cooperation", "membership": "membership", "measure": "measure", "ranking": "ranking",
           "claim": "claim"}  # fmt: skip


class ReviewError(ValueError):
    """A decision that cannot be carried out; the message says why."""


def slug(text: str, most: int = 60) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:most].strip("-")


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 110
    yaml.preserve_quotes = True
    return yaml


def document_key(article: Article) -> str:
    day = article.published.text if article.published else "undated"
    return slug(f"{day}-{article.publisher or 'unknown'}-{article.title}", 80)


def document_of(article: Article, retrieved: dt.date) -> dict[str, Any]:
    document: dict[str, Any] = {"url": article.url, "title": article.title, "publisher": article.publisher or "unknown",
                                "tier": article.tier or "other", "language": article.language}  # fmt: skip
    if article.published:
        document["published"] = article.published.text
    document["retrieved"] = retrieved.isoformat()
    return document


def rejected_keys(data_dir: Path) -> set[str]:
    path = data_dir / "candidates" / REJECTED
    if not path.is_file():
        return set()
    return set(_yaml().load(path.read_text(encoding="utf-8")) or [])


def write_candidates(
    data_dir: Path, article: Article, candidates: list[Candidate], linked: list[dict[str, str]]
) -> Path:
    folder = data_dir / "candidates"
    folder.mkdir(parents=True, exist_ok=True)
    key = document_key(article)
    path = folder / f"{key}.yaml"
    content = {
        "document": {"key": key, **document_of(article, dt.date.today())},
        "source_file": str(article.path),
        "linked": linked,
        "candidates": [
            {"n": n, "decision": "pending", **{k: v for k, v in asdict(c).items() if k != "sentence"}}
            for n, c in enumerate(candidates, start=1)
        ],
    }
    with path.open("w", encoding="utf-8") as out:
        out.write("# Candidate facts proposed by `alliance-graph ingest`; none is in the graph until\n")
        out.write("# `alliance-graph review` accepts it.\n")
        _yaml().dump(content, out)
    return path


def pending(data_dir: Path) -> list[tuple[Path, dict[str, Any], dict[str, Any]]]:
    """(file, file content, candidate) for every candidate still waiting for a decision."""
    found = []
    for path in sorted((data_dir / "candidates").glob("*.yaml")):
        if path.name == REJECTED:
            continue
        content = _yaml().load(path.read_text(encoding="utf-8"))
        found += [(path, content, c) for c in content["candidates"] if c["decision"] == "pending"]
    return found


def _record_id(candidate: dict[str, Any]) -> str:
    r = candidate["record"]
    day = str(r.get("startDate") or r.get("signedDate") or r.get("announcedDate") or "undated")
    if candidate["kind"] == "membership":
        tail = f"{r['organization'].split(':')[1]}-{r['member'].split(':')[1].lower()}-{r['role'].split(':')[1]}"
    elif candidate["kind"] == "ranking":
        tail = f"{str(r.get('inIndex', 'index')).split(':')[-1]}-{r['rankedState'].split(':')[1].lower()}"
    else:
        slots = ("orderedBy", "announcedBy", "imposer", "about", "partyA", "party")
        who = [
            str(v).split(":")[-1].lower() for k in slots if k in r for v in (r[k] if isinstance(r[k], list) else [r[k]])
        ]
        tail = f"{day}-{'-'.join(who[:3])}-{candidate['kind']}"
    return f"{_PREFIX[candidate['kind']]}:{slug(tail, 70)}"


def _unique_id(data_dir: Path, wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``-3`` … when a record of data/ already has that id."""
    taken = {
        str(record.get("id"))
        for path in data_dir.glob("*.yaml")
        for record in ((_load(path) or {}).get("records") or [])
    }
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def _load(path: Path) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8")) if path.is_file() else None


def _dump(path: Path, content: Any, header: str = "") -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        _yaml().dump(content, out)


def _ensure_document(data_dir: Path, document: dict[str, Any]) -> str:
    """The document's key in data/, adding it to ingested.yaml unless its URL is defined already."""
    for path in sorted(data_dir.glob("*.yaml")):
        content = _load(path) or {}
        for key, existing in (content.get("documents") or {}).items():
            if existing.get("url") == document["url"]:
                return str(key)
    target = data_dir / INGESTED
    content = _load(target) or {"documents": {}, "records": []}
    fields = {k: v for k, v in document.items() if k != "key"}
    content.setdefault("documents", {})[document["key"]] = fields
    _dump(target, content, "# Facts extracted from articles and accepted by a reviewer (alliance-graph review).\n")
    return str(document["key"])


def accept(data_dir: Path, path: Path, content: dict[str, Any], candidate: dict[str, Any], reviewer: str) -> str:
    """Write an accepted candidate into data/; returns what was written, in one line."""
    record = dict(candidate["record"])
    record.pop("indexName", None)
    if candidate["kind"] == "ranking" and "inIndex" not in record:
        raise ReviewError("a ranking needs inIndex (the index edition): edit the candidate first")
    doc = _ensure_document(data_dir, content["document"])
    citation = {"doc": doc, "quote": candidate["quote"]}
    today = dt.date.today().isoformat()
    if candidate["status"] == "known" and candidate.get("matches"):
        where = _add_citation(data_dir, candidate["matches"], citation)
        said = f"citation added to {candidate['matches']} in {where}"
    else:
        record = {"id": _unique_id(data_dir, _record_id(candidate)), **record}
        if candidate["status"] == "disagreement" and candidate.get("matches"):
            record["disagreesWith"] = candidate["matches"]
        record.update({"extractedBy": candidate["rule"], "reviewedBy": reviewer, "reviewedAt": today})
        record["citations"] = [citation]
        target = data_dir / INGESTED
        ingested = _load(target) or {"documents": {}, "records": []}
        ingested.setdefault("records", []).append(record)
        _dump(target, ingested, "# Facts extracted from articles and accepted by a reviewer (alliance-graph review).\n")
        said = f"{record['id']} written to {INGESTED}"
    candidate["decision"] = "accepted"
    _dump(path, content)
    return said


def reject(data_dir: Path, path: Path, content: dict[str, Any], candidate: dict[str, Any]) -> str:
    candidate["decision"] = "rejected"
    _dump(path, content)
    remembered = data_dir / "candidates" / REJECTED
    keys = sorted(rejected_keys(data_dir) | {fingerprint(candidate)})
    _dump(remembered, keys, "# Candidates a reviewer rejected; ingest does not propose them again.\n")
    return "rejected; it will not be proposed again"


def fingerprint(candidate: dict[str, Any] | Candidate) -> str:
    if isinstance(candidate, Candidate):
        return "|".join(candidate.key())
    rebuilt = Candidate(candidate["kind"], dict(candidate["record"]), "", "", 0.0, "")
    return "|".join(rebuilt.key())


def _add_citation(data_dir: Path, fact: str, citation: dict[str, str]) -> str:
    for path in sorted(data_dir.glob("*.yaml")):
        content = _load(path) or {}
        for record in content.get("records") or []:
            if record.get("id") == fact:
                citations = record.setdefault("citations", [])
                if not any(c.get("doc") == citation["doc"] and c.get("quote") == citation["quote"] for c in citations):
                    citations.append(citation)
                _dump(path, content)
                return path.name
    raise ReviewError(f"{fact} is not a record of data/ (it may be derived); accept it as new instead")
