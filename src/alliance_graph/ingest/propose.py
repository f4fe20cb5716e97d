"""Candidate facts from an article's sentences, by rules over the graph's own vocabulary.

Each rule looks for a trigger (a verb or noun phrase of one fact kind) in a sentence and fills the
fact's slots from the entities linked in it: who ordered, signed, joined or imposed; who is only
mentioned; which technology; which date (as precise as written). A rule never invents a slot it
cannot fill: a membership needs a named state and grouping, an instrument two named parties, a
measure a named imposer (without one it becomes a claim about the target). Every candidate keeps
its sentence as the quote (cut to at most 25 words at a clause boundary), the rule's name and a
confidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..namespaces import shorten
from .dates import DateValue, find_dates
from .link import Mention
from .read import Article

MAX_QUOTE_WORDS = 25
_SENTENCE = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[A-Z\"“‘])")
_CLAUSE = re.compile(r"(?<=[,;:—–])\s+")


@dataclass
class Candidate:
    """A proposed fact: a record of the data format (without id and citations) and its evidence."""

    kind: str  # directive | announcement | instrument | membership | measure | ranking | claim | institution
    record: dict[str, Any]
    quote: str
    rule: str
    confidence: float
    sentence: str
    status: str = "new"  # new | known | disagreement (set by compare)
    matches: str | None = None  # the known fact it matches or contradicts
    reason: str = ""

    def key(self) -> tuple[str, ...]:
        """What makes two candidates the same proposal (for duplicates and remembered rejections)."""
        slots = ("a", "orderedBy", "announcedBy", "party", "partyA", "partyB", "member", "organization", "role",
                 "imposer", "target", "rankedState", "inIndex", "rank", "about", "topic")  # fmt: skip
        return (self.kind, *(f"{s}={self.record[s]}" for s in slots if s in self.record))


@dataclass
class Context:
    article: Article
    #: The institution that is a state's government (``inst:government-of-russia``), if the graph has one.
    government_of: Callable[[str], str | None] | None = None
    previous_states: list[str] = field(default_factory=list)


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) pairs; paragraphs always end a sentence."""
    offset = 0
    for paragraph in text.split("\n"):
        start = 0
        for part in _SENTENCE.split(paragraph):
            index = paragraph.find(part, start)
            if part.strip():
                yield offset + index, part.strip()
            start = index + len(part)
        offset += len(paragraph) + 1


def quote_of(sentence: str, trigger: str) -> str:
    """The sentence, or its clauses around the trigger, in at most 25 words."""
    words = sentence.split()
    if len(words) <= MAX_QUOTE_WORDS:
        return sentence
    clauses = _CLAUSE.split(sentence)
    at = next((i for i, c in enumerate(clauses) if trigger.lower() in c.lower()), 0)
    chosen = [clauses[at]]
    for step in range(1, len(clauses)):
        for neighbour in (at - step, at + step):
            if 0 <= neighbour < len(clauses):
                trial = [*chosen, clauses[neighbour]] if neighbour > at else [clauses[neighbour], *chosen]
                if len(" ".join(trial).split()) <= MAX_QUOTE_WORDS:
                    chosen = trial
    text = " ".join(chosen)
    return " ".join(text.split()[:MAX_QUOTE_WORDS]).rstrip(",;:—–")


def _of(mentions: list[Mention], *kinds: str) -> list[str]:
    seen: list[str] = []
    for mention in mentions:
        iri = shorten(mention.iri)
        if mention.kind in kinds and iri not in seen:
            seen.append(iri)
    return seen


def _dates(sentence: str, ctx: Context) -> list[DateValue]:
    return find_dates(sentence, ctx.article.published_day)


def _topics(mentions: list[Mention]) -> list[str]:
    return _of(mentions, "Technology")


Rule = Callable[[str, list[Mention], Context], list[Candidate]]

_DIRECTIVE = re.compile(r"\b(tasked|instructed|ordered|directed|told|charged)\b", re.IGNORECASE)
_ANNOUNCE = re.compile(
    r"\b(announced|launched|unveiled|proposed)\b.{0,60}?\b(establishment|creation|launch|an?)\b", re.I
)
_INSTRUMENT_VERB = re.compile(r"\b(signed|concluded|inked|agreed|adopted|reached|issued)\b", re.IGNORECASE)
_INSTRUMENT_NOUN = re.compile(
    r"\b(memorandum of understanding|memorandum|MoU|agreement|joint statement|roadmap|road map|"
    r"action plan|letter of intent|joint declaration|declaration|partnership|deal|dialogue)\b",
    re.IGNORECASE,
)
_IKIND = {"memorandum": "memorandum", "mou": "memorandum", "memorandum of understanding": "memorandum",
          "agreement": "agreement", "joint statement": "joint-statement", "roadmap": "roadmap", "road map": "roadmap",
          "action plan": "action-plan", "letter of intent": "letter-of-intent", "joint declaration": "declaration",
          "declaration": "declaration", "partnership": "agreement", "deal": "deal", "dialogue": "dialogue"}  # fmt: skip
_MEMBERSHIP = [
    (re.compile(r"\bbecame (?:a )?partner(?: countr(?:y|ies))?\b", re.I), "role:partner-country"),
    (
        re.compile(r"\b(?:joined|became (?:a |full )?members? of|(?:was|were) admitted to|acceded to)\b", re.I),
        "role:member",
    ),
    (re.compile(r"\b(?:declined|turned down|rejected) (?:the |an )?invitation\b", re.I), "role:declined"),
    (re.compile(r"\b(?:endorsed)\b", re.I), "role:endorser"),
    (re.compile(r"\b(?:adhered to|adheres to)\b", re.I), "role:adherent"),
    (re.compile(r"\b(?:ratified)\b", re.I), "role:ratified"),
    (re.compile(r"\b(?:signed)\b", re.I), "role:signatory"),
]
_MEASURE = re.compile(
    r"\b(sanctions?|sanctioned|export controls?|entity list|blacklist(?:ed)?|bann?ed|ban on"
    r"|restrict(?:ed|ions?|s)?|curbs?)\b",
    re.IGNORECASE,
)
_MKIND = [("entity list", "mkind:entity-listing"), ("blacklist", "mkind:entity-listing"),
          ("export control", "mkind:export-licence-requirement"), ("ban", "mkind:import-ban")]  # fmt: skip
_RANK = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\s+(?:place\s+)?(?:out\s+)?of\s+(\d{1,3})\b", re.IGNORECASE)
_INDEX_NAME = re.compile(r"\b((?:[A-Z][\w]*\s+){0,4}(?:AI\s+)?(?:Index|Ranking|Readiness Index|Preparedness Index))\b")
_EXCHANGE = re.compile(
    r"\bexchange(?:d)? of (?:New Year )?(greetings|messages|letters)\b|\bexchanged (greetings|messages)\b", re.I
)


def _dated(record: dict[str, Any], dates: list[DateValue], key: str = "startDate") -> None:
    if dates:
        record[key] = dates[0].text
    else:
        record["dateUnknown"] = True


def directive(sentence: str, mentions: list[Mention], ctx: Context) -> list[Candidate]:
    match = _DIRECTIVE.search(sentence)
    if not match:
        return []
    persons = _of([m for m in mentions if m.end <= match.start()], "Person")
    if not persons:
        return []
    with_at = sentence.lower().find(" with ", match.end())
    clause_end = with_at if with_at >= 0 else len(sentence)
    addressees = _of([m for m in mentions if match.end() <= m.start < clause_end], "Institution")
    own_states = _of([m for m in mentions if m.start < clause_end], "State")
    government = re.search(r"\bthe government\b", sentence[match.end() : clause_end], re.IGNORECASE)
    if government and own_states and ctx.government_of is not None:
        found = ctx.government_of(own_states[0])
        if found and found not in addressees:
            addressees.insert(0, found)
    mentioned = _of([m for m in mentions if with_at >= 0 and m.start > with_at], "State")
    if not addressees or not mentioned:
        return []
    record: dict[str, Any] = {"a": "Directive", "instrumentKind": "ikind:directive", "orderedBy": persons[0],
                              "partyA": addressees, "mentions": mentioned, "level": "government"}  # fmt: skip
    if topics := _topics(mentions):
        record["topic"] = topics
    _dated(record, _dates(sentence, ctx))
    return [Candidate("directive", record, quote_of(sentence, match.group(1)), "directive-verb", 0.8, sentence)]


def announcement(sentence: str, mentions: list[Mention], ctx: Context) -> list[Candidate]:
    match = _ANNOUNCE.search(sentence)
    groupings = _of([m for m in mentions if match and m.start >= match.start()], "Grouping")
    if not match or not groupings:
        return []
    persons = _of([m for m in mentions if m.end <= match.start()], "Person")
    if not persons:
        return []
    record: dict[str, Any] = {"a": "Partnership", "instrumentKind": "ikind:announcement", "announcedBy": persons[0],
                              "about": groupings[0], "status": "announced", "level": "government"}  # fmt: skip
    _dated(record, _dates(sentence, ctx))
    return [Candidate("announcement", record, quote_of(sentence, match.group(1)), "announced-grouping", 0.7, sentence)]


def instrument(sentence: str, mentions: list[Mention], ctx: Context) -> list[Candidate]:
    verb, noun = _INSTRUMENT_VERB.search(sentence), _INSTRUMENT_NOUN.search(sentence)
    if not verb or not noun:
        return []
    parties = _of(mentions, "State", "Institution")
    if len(parties) < 2:
        return []
    institutions = set(_of(mentions, "Institution"))
    level = "institution" if all(p in institutions for p in parties) else "government"
    record: dict[str, Any] = {
        "a": "Agreement", "instrumentKind": f"ikind:{_IKIND[noun.group(1).lower()]}",
        "partyA": [parties[0]], "partyB": parties[1:], "level": level,
        "topic": _topics(mentions) or ["tech:artificial-intelligence"], "status": "signed",
    }  # fmt: skip
    if not re.search(r"\b(AI|artificial intelligence)\b", sentence):
        return []
    _dated(record, _dates(sentence, ctx), "signedDate")
    if "signedDate" in record:
        record["startDate"] = record["signedDate"]
    return [Candidate("instrument", record, quote_of(sentence, noun.group(1)), "signed-instrument", 0.75, sentence)]


def membership(sentence: str, mentions: list[Mention], ctx: Context) -> list[Candidate]:
    groupings = _of(mentions, "Grouping")
    states = _of(mentions, "State")
    if not groupings or not states:
        return []
    for pattern, role in _MEMBERSHIP:
        match = pattern.search(sentence)
        if not match:
            continue
        members = _of([m for m in mentions if m.end <= match.start()], "State") or states
        found = []
        for member in members:
            record: dict[str, Any] = {"a": "Membership", "member": member, "organization": groupings[-1], "role": role}
            _dated(record, _dates(sentence, ctx))
            found.append(
                Candidate("membership", record, quote_of(sentence, match.group(0)), f"membership:{role}", 0.7, sentence)
            )
        return found
    return []


def measure(sentence: str, mentions: list[Mention], ctx: Context) -> list[Candidate]:
    match = _MEASURE.search(sentence)
    if not match:
        return []
    techs = [t for t in _topics(mentions) if t != "tech:artificial-intelligence"]
    imposed = re.search(r"\b(?:imposed|announced|added|placed)\b", sentence)
    imposers = _of([m for m in mentions if imposed and m.end <= imposed.start()], "State", "Grouping")
    after = [m for m in mentions if imposed and m.start >= imposed.end()]
    targets = [t for t in _of(after, "Institution") or _of(after, "State") if t not in imposers]
    if imposers and targets and techs:
        kind = next((k for word, k in _MKIND if word in sentence.lower()), "mkind:export-licence-requirement")
        record: dict[str, Any] = {"a": "ExportControl", "measureKind": [kind], "imposer": imposers[0],
                                  "target": targets, "restricts": techs}  # fmt: skip
        _dated(record, _dates(sentence, ctx))
        return [Candidate("measure", record, quote_of(sentence, match.group(1)), "measure-imposed", 0.6, sentence)]
    if not re.search(r"\bsanction|\bexport control|\bentity list|\bblacklist", sentence, re.IGNORECASE) and not techs:
        return []
    about = _of(mentions, "State")
    if not about:
        return []
    record = {"a": "Claim", "about": about[0], "statement": sentence}
    if techs:
        record["topic"] = techs[0]
    record["dateUnknown"] = True
    return [Candidate("claim", record, quote_of(sentence, match.group(1)), "measure-claim", 0.5, sentence)]


def ranking(sentence: str, mentions: list[Mention], ctx: Context) -> list[Candidate]:
    match = _RANK.search(sentence)
    index = _INDEX_NAME.search(sentence)
    if not match or not index:
        return []
    states = _of([m for m in mentions if m.end <= match.start()], "State") or ctx.previous_states[:1]
    if not states:
        return []
    record: dict[str, Any] = {"a": "RankingEntry", "rankedState": states[0], "rank": int(match.group(1)),
                              "indexSize": int(match.group(2)), "indexName": index.group(1).strip()}  # fmt: skip
    _dated(record, _dates(sentence, ctx))
    return [Candidate("ranking", record, quote_of(sentence, match.group(0)), "rank-of-size", 0.85, sentence)]


def exchange(sentence: str, mentions: list[Mention], ctx: Context) -> list[Candidate]:
    match = _EXCHANGE.search(sentence)
    persons = _of(mentions, "Person")
    if not match or len(persons) < 2:
        return []
    record: dict[str, Any] = {
        "a": "Exchange",
        "instrumentKind": "ikind:dialogue",
        "party": persons,
        "level": "government",
    }
    _dated(record, _dates(sentence, ctx))
    return [Candidate("exchange", record, quote_of(sentence, match.group(0)), "exchange-of-messages", 0.6, sentence)]


RULES: tuple[Rule, ...] = (directive, announcement, instrument, membership, measure, ranking, exchange)


def propose(
    article: Article, mentions: list[Mention], government_of: Callable[[str], str | None] | None = None
) -> list[Candidate]:
    """Every rule over every sentence; one candidate per distinct proposal (the first wins)."""
    ctx = Context(article, government_of)
    found: dict[tuple[str, ...], Candidate] = {}
    for offset, sentence in sentences(article.text):
        inside = [m for m in mentions if offset <= m.start and m.end <= offset + len(sentence) + 1]
        local = [Mention(m.start - offset, m.end - offset, m.text, m.match) for m in inside]
        for rule in RULES:
            for candidate in rule(sentence, local, ctx):
                found.setdefault(candidate.key(), candidate)
        states = _of(local, "State")
        if states:
            ctx.previous_states = states
    return list(found.values())
