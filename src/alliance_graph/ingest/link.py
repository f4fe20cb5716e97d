"""Find the graph's entities in running text, by their names, and nothing by guesswork.

Windows of one to six words are looked up as exact names (keys, curated aliases, translations);
ISO codes and acronyms count only when written in capitals ("US", "EU", "RDIF"), so "in" is not
India. Longer names win over the shorter names inside them ("AI Alliance Network" over
"Alliance"). A person's surname alone links to the person when one person has it. Capitalised
organisation names that link to nothing are returned apart, to be proposed as new institutions:
they are never merged with a look-alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..names.index import Match, NameIndex

_TOKEN = re.compile(r"[A-Za-zÀ-ÿА-яЁё0-9][\w&.+-]*(?<![.])")
_ORG_WORDS = (
    "Bank|Institute|Association|Alliance|Network|Agency|Corporation|Fund|Ministry|Council|University|"
    "Group|Company|Inc|Ltd|Authority|Commission|Center|Centre|Laboratory|Foundation|Office"
)
_NEW_ORG = re.compile(r"\b((?:[A-Z][\w&-]+\s+){1,5}(?:" + _ORG_WORDS + r"))\b")
MAX_WORDS = 6


@dataclass(frozen=True)
class Mention:
    """An entity named in the text: where, by which words, and how sure."""

    start: int
    end: int
    text: str
    match: Match

    @property
    def iri(self) -> str:
        return self.match.entity.iri

    @property
    def kind(self) -> str:
        return self.match.entity.kind


def _surnames(index: NameIndex) -> dict[str, str]:
    counts: dict[str, list[str]] = {}
    for entity in index.entities.values():
        if entity.kind == "Person" and " " in entity.label:
            counts.setdefault(entity.label.split()[-1].lower(), []).append(entity.iri)
    return {surname: iris[0] for surname, iris in counts.items() if len(iris) == 1}


def _first_words(index: NameIndex) -> dict[str, list[Match]]:
    owners: dict[str, set[str]] = {}
    for entity in index.entities.values():
        if entity.kind in {"Institution", "Grouping"} and " " in entity.label:
            owners.setdefault(entity.label.split()[0].lower(), set()).add(entity.iri)
    return {
        word: [Match(index.entities[next(iter(iris))], 88.0, index.entities[next(iter(iris))].label, None, "word")]
        for word, iris in owners.items()
        if len(iris) == 1 and not index.exact(word)
    }


def link(text: str, index: NameIndex) -> list[Mention]:
    """Every entity mention in ``text``, left to right, longest names first, no overlaps."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    surnames = _surnames(index)
    first_words = _first_words(index)
    mentions: list[Mention] = []
    position = 0
    while position < len(tokens):
        found: Mention | None = None
        for width in range(min(MAX_WORDS, len(tokens) - position), 0, -1):
            start, end = tokens[position][0], tokens[position + width - 1][1]
            words = text[start:end]
            if len(words) < 2:
                continue
            capitals = words.isupper() and len(words) <= 6
            candidates = index.exact(words, codes=capitals)
            if width == 1 and words[0].islower():
                # A lower-case word is a name only as a technology ("microchips"), never a state.
                candidates = [c for c in candidates if c.entity.kind == "Technology"]
            if not candidates and width == 1 and words[0].isupper() and len(words) >= 5:
                # "Huawei" for "Huawei Technologies": the first word of one institution's name only.
                candidates = first_words.get(words.lower(), [])
            if not candidates and width == 1 and words.lower() in surnames:
                iri = surnames[words.lower()]
                entity = index.entities[iri]
                candidates = [Match(entity, 90.0, entity.label, None, "surname")]
            if candidates and (width > 1 or len(words) >= 3 or capitals):
                found = Mention(start, end, words, candidates[0])
                position += width
                break
        if found is None:
            position += 1
        else:
            mentions.append(found)
    return mentions


def unknown_organisations(text: str, mentions: list[Mention]) -> list[str]:
    """Capitalised organisation names that link to no entity of the graph."""
    linked = [(m.start, m.end) for m in mentions]
    names = []
    for match in _NEW_ORG.finditer(text):
        start, end = match.span(1)
        if any(s < end and start < e for s, e in linked):
            continue
        name = match.group(1).strip()
        if name.split()[0] in {"The", "A", "An", "This", "That"}:
            name = name.split(" ", 1)[1] if " " in name else name
        if name not in names and len(name.split()) >= 2:
            names.append(name)
    return names
