"""Competency questions: SPARQL files in ``ontology/checks/`` that must hold on the built graph.

A header line ``#+ expect: none`` marks a violation query (it must return no rows); ``true`` and
``false`` are the answers an ASK must give; ``rows: [...]`` lists rows (as prefixed names or
plain values) that a SELECT must return among its answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..namespaces import shorten
from ..results import plain
from ..store import Store


@dataclass(frozen=True)
class CheckResult:
    name: str
    title: str
    passed: bool
    detail: str


def _header(text: str) -> dict[str, Any]:
    lines = [line[3:] for line in text.splitlines() if line.startswith("#+ ")]
    return yaml.safe_load("\n".join(lines)) or {}


def _short(value: Any) -> Any:
    return shorten(value) if isinstance(value, str) else value


def run_check(store: Store, path: Path) -> CheckResult:
    text = path.read_text(encoding="utf-8")
    header = _header(text)
    expect = header.get("expect", "none")
    title = str(header.get("title", path.stem))
    answer = store.query(text)
    if answer.kind == "ASK":
        ok = answer.boolean is (expect is True or expect == "true")
        return CheckResult(path.stem, title, ok, f"ASK answered {answer.boolean}, expected {expect}")
    rows = [{k: _short(plain(v)) for k, v in row.items()} for row in answer.dicts()]
    if expect in ("none", None):
        shown = "; ".join(", ".join(f"{k}={v}" for k, v in r.items()) for r in rows[:5])
        return CheckResult(path.stem, title, not rows, f"{len(rows)} violation(s): {shown}" if rows else "no rows")
    wanted = expect.get("rows", []) if isinstance(expect, dict) else []
    missing = [w for w in wanted if not any(all(r.get(k) == v for k, v in w.items()) for r in rows)]
    return CheckResult(path.stem, title, not missing, f"missing rows: {missing}" if missing else f"{len(rows)} rows")


def run_checks(store: Store, directory: Path) -> list[CheckResult]:
    return [run_check(store, path) for path in sorted(directory.glob("*.rq"))]
