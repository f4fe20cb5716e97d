"""One article through read → link → propose → compare, and the evaluation over a labelled set."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ..names.index import NameIndex
from ..namespaces import shorten
from ..store import Store
from .compare import compare
from .dates import parse_date_value
from .link import Mention, link, unknown_organisations
from .propose import Candidate, propose
from .read import Article, read_article
from .review import fingerprint, rejected_keys


@dataclass
class Ingested:
    article: Article
    mentions: list[Mention]
    candidates: list[Candidate]
    new_organisations: list[str]
    skipped_rejected: int = 0


def government_finder(index: NameIndex) -> Any:
    """``state:RUS`` → the institution named "Government of <a name of the state>", if the graph has one."""

    def find(state: str) -> str | None:
        iri = next((i for i in index.entities if shorten(i) == state), None)
        for name in index.names_of(iri, "en") if iri else []:
            for match in index.exact(f"Government of {name}"):
                if match.entity.kind == "Institution":
                    return shorten(match.entity.iri)
        return None

    return find


def ingest_article(article: Article, index: NameIndex, store: Store, data_dir: Path | None) -> Ingested:
    mentions = link(article.text, index)
    candidates = propose(article, mentions, government_finder(index))
    compare(candidates, store)
    skipped = 0
    if data_dir is not None:
        remembered = rejected_keys(data_dir)
        kept = [c for c in candidates if fingerprint(c) not in remembered]
        skipped = len(candidates) - len(kept)
        candidates = kept
    return Ingested(article, mentions, candidates, unknown_organisations(article.text, mentions), skipped)


def read_with(path: Path, **overrides: str | None) -> Article:
    """The article in ``path``, with document fields the user gave on the command line."""
    article = read_article(path)
    given: dict[str, Any] = {k: v for k, v in overrides.items() if v}
    if "published" in given:
        given["published"] = parse_date_value(given["published"])
    return replace(article, **given) if given else article


@dataclass
class Score:
    expected: int = 0
    proposed: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


@dataclass
class Evaluation:
    facts: dict[str, Score] = field(default_factory=dict)
    linking: Score = field(default_factory=Score)

    def total(self) -> Score:
        return Score(*(sum(getattr(s, f) for s in self.facts.values()) for f in ("expected", "proposed", "correct")))


def _matches(candidate: Candidate, expected: dict[str, Any]) -> bool:
    if candidate.kind != expected["kind"]:
        return False
    for key, value in expected.items():
        if key == "kind":
            continue
        have = candidate.record.get(key)
        if isinstance(value, list):
            if not isinstance(have, list) or sorted(map(str, have)) != sorted(map(str, value)):
                return False
        elif str(have) != str(value):
            return False
    return True


def evaluate(folder: Path, index: NameIndex, store: Store) -> Evaluation:
    """Precision and recall per fact kind and of entity linking, over ``folder/expected.yaml``."""
    expected = YAML(typ="safe").load((folder / "expected.yaml").read_text(encoding="utf-8"))
    result = Evaluation()
    for name, wanted in expected.items():
        done = ingest_article(read_article(folder / name), index, store, None)
        facts: list[dict[str, Any]] = wanted.get("facts", [])
        kinds = Counter(c.kind for c in done.candidates) + Counter(f["kind"] for f in facts)
        for kind in kinds:
            score = result.facts.setdefault(kind, Score())
            mine = [c for c in done.candidates if c.kind == kind]
            theirs = [f for f in facts if f["kind"] == kind]
            score.proposed += len(mine)
            score.expected += len(theirs)
            score.correct += sum(any(_matches(c, f) for c in mine) for f in theirs)
        linked = {shorten(m.iri) for m in done.mentions}
        entities = set(wanted.get("entities", []))
        result.linking.expected += len(entities)
        result.linking.proposed += len(linked)
        result.linking.correct += len(entities & linked)
    return result
