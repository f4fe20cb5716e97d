"""Find entities by any name: exact keys, curated aliases, acronyms, prefixes and fuzzy scores.

Candidate retrieval is by dictionary (exact keys and acronyms), by a sorted key list (prefixes)
and by a trigram inverted index (fuzzy), so a query touches only the names that can match; the
candidates are then scored with ``rapidfuzz``. Fuzzy matching alone cannot find "РФ" for the
Russian Federation (it scores 40), which is why curated aliases and acronyms are looked up first.

Every result says *why* it matched: the name it matched, the name's language, and how (``exact``,
``code``, ``alias``, ``acronym``, ``former name``, ``transliteration``, ``word``, ``prefix``, ``fuzzy``).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .normalise import compact_key, initials, name_key, script_of

#: How a name is attached to its entity, as ``collect`` reads it from the graph.
NAME_ORIGINS = ("label", "altLabel", "code", "alias", "acronym", "former name")

#: The score of an exact key match, by the name's origin.
_EXACT_SCORE = {"label": 100.0, "code": 100.0, "alias": 99.0, "acronym": 99.0, "altLabel": 98.0, "former name": 96.0}
_DERIVED_ACRONYM_SCORE = 93.0
_WORD_SCORE = 86.0  # one word of a longer name: "Putin", "Emirates"
_MIN_FUZZY = 60.0
_FUZZY_CEILING = 0.9  # a fuzzy match never outranks an exact one
_MAX_FUZZY_CANDIDATES = 5000  # keys read from the trigram postings, rarest postings first
_MAX_FUZZY_SCORED = 50  # of those, the best by plain ratio get the word-order-blind score too
_SURE = 96.0  # an exact name, alias or code: fuzzy candidates would only add noise


@dataclass(frozen=True)
class Name:
    """One name of one entity."""

    entity: str
    text: str
    lang: str | None
    origin: str


@dataclass(frozen=True)
class Entity:
    """What a search result shows of an entity besides the name it matched."""

    iri: str
    label: str
    kind: str


@dataclass(frozen=True)
class Match:
    """A search result: the entity, its score (0 to 100) and why it matched."""

    entity: Entity
    score: float
    matched: str
    lang: str | None
    how: str

    def as_dict(self) -> dict[str, object]:
        return {
            "iri": self.entity.iri,
            "label": self.entity.label,
            "kind": self.entity.kind,
            "score": round(self.score, 1),
            "matched": self.matched,
            "lang": self.lang,
            "how": self.how,
        }


@dataclass(frozen=True)
class Resolution:
    """A name resolved to one entity, or the reason it could not be: ambiguous or unknown."""

    query: str
    status: str  # "resolved" | "ambiguous" | "unknown"
    candidates: tuple[Match, ...] = ()

    @property
    def match(self) -> Match:
        if self.status != "resolved":
            raise LookupError(self.message())
        return self.candidates[0]

    def message(self) -> str:
        if self.status == "resolved":
            top = self.candidates[0]
            return f"{self.query!r} resolved to {top.entity.iri} ({top.how} match on {top.matched!r})"
        if self.status == "unknown":
            return f"no entity is known by the name {self.query!r}"
        listed = "; ".join(f"{m.entity.iri} ({m.entity.label}, score {m.score:.0f})" for m in self.candidates)
        return f"the name {self.query!r} is ambiguous: {listed}"


def _trigrams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass
class NameIndex:
    """An immutable index over every name of every entity (build it with :meth:`of`)."""

    entities: dict[str, Entity]
    _by_key: dict[str, list[Name]] = field(default_factory=dict)
    _by_initials: dict[str, list[Name]] = field(default_factory=dict)
    _sorted_keys: list[str] = field(default_factory=list)
    _trigram_keys: dict[str, set[str]] = field(default_factory=dict)
    _codes: dict[str, list[Name]] = field(default_factory=dict)
    _by_word: dict[str, list[Name]] = field(default_factory=dict)
    _by_entity: dict[str, list[Name]] = field(default_factory=dict)

    @classmethod
    def of(cls, entities: Iterable[Entity], names: Iterable[Name]) -> NameIndex:
        index = cls({e.iri: e for e in entities})
        by_key: dict[str, list[Name]] = defaultdict(list)
        by_initials: dict[str, list[Name]] = defaultdict(list)
        by_word: dict[str, list[Name]] = defaultdict(list)
        by_entity: dict[str, list[Name]] = defaultdict(list)
        for name in _with_parenthesised(names):
            if name.entity not in index.entities:
                continue
            by_entity[name.entity].append(name)
            key = compact_key(name.text)
            if not key:
                continue
            if name.origin == "code":
                # Codes match only exactly: "RO" must not be a fuzzy candidate for "Россия".
                index._codes.setdefault(key, []).append(name)
                continue
            by_key[key].append(name)
            words = name_key(name.text).split()
            if len(words) > 1:
                for word in set(words):
                    if len(word) >= 4:
                        by_word[word].append(name)
            if name.origin == "label" and name.lang in {"en", None}:
                acronym = initials(name.text)
                if len(acronym) >= 2:
                    by_initials[acronym].append(name)
        index._by_key = dict(by_key)
        index._by_initials = dict(by_initials)
        index._by_word = dict(by_word)
        index._by_entity = dict(by_entity)
        index._sorted_keys = sorted(by_key)
        trigram_keys: dict[str, set[str]] = defaultdict(set)
        for key in by_key:
            for gram in _trigrams(key):
                trigram_keys[gram].add(key)
        index._trigram_keys = dict(trigram_keys)
        return index

    def __len__(self) -> int:
        return sum(len(names) for names in self._by_key.values()) + sum(len(n) for n in self._codes.values())

    def search(self, query: str, *, kind: str | None = None, lang: str | None = None, limit: int = 10) -> list[Match]:
        """The best match per entity, best first (ties: states first, then by label)."""
        key = compact_key(query)
        if not key:
            return []
        best: dict[str, Match] = {}

        def offer(name: Name, score: float, how: str) -> None:
            entity = self.entities[name.entity]
            if kind is not None and entity.kind != kind:
                return
            if lang is not None and name.lang not in (lang, None):
                return
            current = best.get(name.entity)
            if current is None or score > current.score:
                best[name.entity] = Match(entity, score, name.text, name.lang, how)

        for name, score, how in self._sure_candidates(query, key):
            offer(name, score, how)
        if len(key) >= 4 and not any(match.score >= _SURE for match in best.values()):
            for name, score in self._fuzzy(query, key):
                offer(name, score, "fuzzy")
        ranked = sorted(best.values(), key=lambda m: (-m.score, m.entity.kind != "State", m.entity.label))
        return ranked[:limit]

    def _sure_candidates(self, query: str, key: str) -> Iterator[tuple[Name, float, str]]:
        """Exact keys and codes, acronyms, words and prefixes: every match short of fuzzy."""
        for name in (*self._by_key.get(key, ()), *self._codes.get(key, ())):
            yield name, _EXACT_SCORE[name.origin], _how_exact(query, name)
        if len(key) <= 6:
            for name in self._by_initials.get(key, ()):
                yield name, _DERIVED_ACRONYM_SCORE, "acronym"
        for name in self._by_word.get(key, ()):
            yield name, _WORD_SCORE, "word"
        if len(key) >= 3:
            for candidate in self._prefixed(key):
                for name in self._by_key[candidate]:
                    yield name, 80.0 + 15.0 * len(key) / len(candidate), "prefix"

    def _fuzzy(self, query: str, key: str) -> Iterator[tuple[Name, float]]:
        """Names scored by rapidfuzz among the keys that share the query's rarest trigrams."""
        spaced = name_key(query)
        for candidate, ratio, _ in process.extract(
            key, self._fuzzy_candidates(key), scorer=fuzz.ratio, score_cutoff=_MIN_FUZZY * 0.8, limit=_MAX_FUZZY_SCORED
        ):
            for name in self._by_key[candidate]:
                score = max(ratio, fuzz.token_sort_ratio(spaced, name_key(name.text)))
                if score >= _MIN_FUZZY:
                    yield name, score * _FUZZY_CEILING

    def names_of(self, iri: str, lang: str | None = None) -> list[str]:
        """The names of one entity (in ``lang`` only, if given), labels first."""
        names = sorted(self._by_entity.get(iri, ()), key=lambda n: n.origin != "label")
        return [n.text for n in names if lang is None or n.lang in (lang, None)]

    def exact(self, text: str, *, codes: bool = False) -> list[Match]:
        """Only sure matches of ``text``: a name's key, a curated alias, and (``codes``) ISO codes and
        acronyms derived from labels. What entity linking in running text uses: no fuzz."""
        key = compact_key(text)
        found: dict[str, Match] = {}
        # A name beats a code: "AI" is artificial intelligence before it is Anguilla.
        names = self._by_key.get(key, ()) or (self._codes.get(key, ()) if codes else ())
        for name in names:
            score = _EXACT_SCORE[name.origin]
            if name.entity not in found or score > found[name.entity].score:
                entity = self.entities[name.entity]
                found[name.entity] = Match(entity, score, name.text, name.lang, _how_exact(text, name))
        if codes and not found:
            for name in self._by_initials.get(key, ()):
                match = Match(self.entities[name.entity], _DERIVED_ACRONYM_SCORE, name.text, name.lang, "acronym")
                found.setdefault(name.entity, match)
        return sorted(found.values(), key=lambda m: (-m.score, m.entity.kind != "State", m.entity.label))

    def resolve(self, query: str, *, kind: str | None = None) -> Resolution:
        """One entity for a name when the best match is sure and clearly ahead of the next."""
        found = self.search(query, kind=kind, limit=5)
        if not found or found[0].score < 70:
            return Resolution(query, "unknown")
        top = found[0]
        if top.score >= 90 and (len(found) == 1 or found[1].score <= top.score - 5):
            return Resolution(query, "resolved", (top,))
        close = tuple(m for m in found if m.score >= top.score - 10)
        return Resolution(query, "ambiguous", close)

    def _prefixed(self, key: str, most: int = 50) -> list[str]:
        start = bisect.bisect_left(self._sorted_keys, key)
        found: list[str] = []
        for candidate in self._sorted_keys[start : start + most]:
            if not candidate.startswith(key):
                break
            if candidate != key:
                found.append(candidate)
        return found

    def _fuzzy_candidates(self, key: str) -> list[str]:
        """Keys sharing the query's rarest trigrams: few postings to read, however large the index."""
        postings = sorted((self._trigram_keys.get(gram, set()) for gram in _trigrams(key)), key=len)
        found: set[str] = set()
        for posting in postings:
            if found and len(found) + len(posting) > _MAX_FUZZY_CANDIDATES:
                break
            found |= posting
        return list(found)


_PARENTHESISED = re.compile(r"^(?P<outer>.+?)\s*\((?P<inner>[^()]+)\)\s*$")


def _with_parenthesised(names: Iterable[Name]) -> Iterator[Name]:
    """Each name, and for "Global Partnership on AI (GPAI)" also its two halves."""
    for name in names:
        yield name
        match = _PARENTHESISED.match(name.text)
        if match and name.origin in {"label", "altLabel"}:
            yield Name(name.entity, match.group("outer"), name.lang, name.origin)
            inner = match.group("inner")
            yield Name(name.entity, inner, name.lang, "acronym" if inner.isupper() else name.origin)


def _how_exact(query: str, name: Name) -> str:
    if name.origin in {"code", "alias", "acronym", "former name"}:
        return name.origin
    if script_of(query) != script_of(name.text):
        return "transliteration"
    return "exact"
