"""A seeded synthetic graph shaped like the curated one, at any size.

It writes what the build would produce from data/ (facts with their sources, their citations
with quotes, the sources' reliability tiers, the parties of cooperation instruments, the kinds of
measures, and the date windows ``ag:possibleFrom``/``ag:validFrom``/``ag:validUntil``/
``ag:possibleUntil``/``ag:knownBy`` of exact dates) as N-Triples, so that the build's own rules derive the
rest. A share of the facts uses the real keys (``alliance:brics``, ``state:CHN``,
``tech:artificial-intelligence``) so that every named question has answers at every scale.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

ID = "https://w3id.org/alliance-graph/id/"
AG = "https://w3id.org/alliance-graph/ontology#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#wasDerivedFrom"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DATE = "http://www.w3.org/2001/XMLSchema#date"
TECHS = [
    "artificial-intelligence",
    "ai-model-weights",
    "ai-safety",
    "microchips",
    "advanced-computing-chips",
    "semiconductors",
    "chipmaking-equipment",
    "high-bandwidth-memory",
    "dual-use-goods",
]
ROLES = ["founding-member", "member", "partner-country", "invited", "signatory"]
COOPERATION = ["Agreement", "Partnership", "JointStatement", "Directive"]
MEASURE_KINDS = ["export-ban", "full-blocking", "import-ban", "entity-listing", "export-licence-requirement"]
TIERS = ["official", "wire", "press", "other", "aggregator"]
STATES = [
    "BRA",
    "RUS",
    "IND",
    "CHN",
    "ZAF",
    "EGY",
    "ETH",
    "IRN",
    "ARE",
    "IDN",
    "USA",
    "GBR",
    "FRA",
    "DEU",
    "JPN",
    "KOR",
    "NLD",
    "CAN",
    "ITA",
    "AUS",
    "SAU",
    "TUR",
    "ARG",
    "MEX",
    "NGA",
    "KAZ",
    "BLR",
    "MYS",
]


def _iri(kind: str, key: str) -> str:
    return f"<{ID}{kind}/{key}>"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _date(day: dt.date) -> str:
    return f'"{day.isoformat()}"^^<{DATE}>'


def triples(target: int, seed: int = 7) -> Iterator[str]:
    """N-Triples lines, about ``target`` of them (the build then derives about a quarter more)."""
    rng = random.Random(seed)
    units = max(target // 92, 10)
    n_alliances = max(units // 60, 8)
    n_institutions = max(units // 8, 20)
    n_sources = max(units // 4, 10)
    start = dt.date(2000, 1, 1)

    def day() -> dt.date:
        return start + dt.timedelta(days=rng.randrange(9300))

    def typed(s: str, cls: str) -> str:
        return f"{s} <{RDF_TYPE}> <{AG}{cls}> ."

    sources = [_iri("source", f"syn-{i}") for i in range(n_sources)]
    for i, src in enumerate(sources):
        yield typed(src, "Source")
        url = f'"https://example.org/synthetic/{i}"^^<http://www.w3.org/2001/XMLSchema#anyURI>'
        yield f"{src} <{AG}url> {url} ."
        yield f"{src} <http://purl.org/dc/terms/title> {_lit(f'Synthetic source {i}')} ."
        yield f"{src} <{AG}publisher> {_lit(f'Publisher {i % 97}')} ."
        yield f"{src} <{AG}published> {_date(day())} ."
        yield f"{src} <{AG}quote> {_lit('A synthetic quote.')} ."
        yield f"{src} <{AG}tier> <{ID}tier/{TIERS[i % len(TIERS)]}> ."
    alliances = ["<" + ID + "alliance/brics>"] + [_iri("alliance", f"syn-{i}") for i in range(n_alliances)]
    for i, alliance in enumerate(alliances):
        yield typed(alliance, "AIInitiative" if i % 2 else "InformalBloc")
        yield f"{alliance} <{LABEL}> {_lit(f'Synthetic alliance {i}')} ."
        yield f"{alliance} <{PROV}> {rng.choice(sources)} ."
        if i % 2:
            yield f"{alliance} <{AG}topic> {_iri('technology', rng.choice(TECHS))} ."
    institutions = [_iri("institution", f"syn-{i}") for i in range(n_institutions)]
    for inst in institutions:
        yield typed(inst, rng.choice(["Company", "Bank", "ResearchBody", "GovernmentBody"]))
        yield f"{inst} <{LABEL}> {_lit('Synthetic institution ' + inst[-8:-1])} ."
        yield f"{inst} <{AG}headquarteredIn> {_iri('state', rng.choice(STATES))} ."
        yield f"{inst} <{PROV}> {rng.choice(sources)} ."

    def fact(node: str, cls: str) -> Iterator[str]:
        begin = day()
        yield typed(node, cls)
        yield f"{node} <{AG}startDate> {_date(begin)} ."
        yield f"{node} <{AG}possibleFrom> {_date(begin)} ."
        yield f"{node} <{AG}validFrom> {_date(begin)} ."
        yield f"{node} <{AG}knownBy> {_date(begin)} ."
        key = node[len(ID) + 1 : -1].replace("/", "-")
        for n, src in enumerate(rng.sample(sources, 2)):
            yield f"{node} <{PROV}> {src} ."
            citation = _iri("citation", f"{key}-{n}")
            yield f"{node} <{AG}citation> {citation} ."
            yield typed(citation, "Citation")
            yield f"{citation} <{AG}document> {src} ."
            yield f"{citation} <{AG}quote> {_lit('A synthetic quote.')} ."
        if rng.random() < 0.1:
            end = begin + dt.timedelta(days=rng.randrange(1, 2000))
            yield f"{node} <{AG}endDate> {_date(end)} ."
            yield f"{node} <{AG}validUntil> {_date(end)} ."
            yield f"{node} <{AG}possibleUntil> {_date(end)} ."

    for u in range(units):
        m = _iri("membership", f"syn-{u}")
        yield from fact(m, "Membership")
        member = _iri("state", rng.choice(STATES)) if u % 3 else rng.choice(institutions)
        yield f"{m} <{ORG}member> {member} ."
        yield f"{m} <{ORG}organization> {rng.choice(alliances)} ."
        yield f"{m} <{AG}role> {_iri('role', rng.choice(ROLES))} ."
        c = _iri("cooperation", f"syn-{u}")
        yield from fact(c, rng.choice(COOPERATION))
        yield f"{c} <{AG}partyA> {_iri('state', rng.choice(STATES))} ."
        other = rng.choice(institutions) if u % 5 == 0 else _iri("state", rng.choice(STATES))
        yield f"{c} <{AG}partyB> {other} ."
        yield f"{c} <{AG}status> {_lit('signed')} ."
        yield f"{c} <{AG}topic> {_iri('technology', rng.choice(TECHS))} ."
        yield f"{c} <{LABEL}> {_lit(f'Synthetic cooperation {u}')} ."
        if u % 2 == 0:
            s = _iri("measure", f"syn-{u}")
            yield from fact(s, rng.choice(["Sanction", "ExportControl"]))
            yield f"{s} <{AG}imposer> {_iri('state', rng.choice(STATES))} ."
            target = _iri("state", rng.choice(STATES)) if u % 4 else rng.choice(institutions)
            yield f"{s} <{AG}target> {target} ."
            yield f"{s} <{AG}restricts> {_iri('technology', rng.choice(TECHS))} ."
            yield f"{s} <{AG}measureKind> {_iri('measure-kind', rng.choice(MEASURE_KINDS))} ."
            yield f"{s} <{LABEL}> {_lit(f'Synthetic measure {u}')} ."
    index = _iri("ranking", "global-ai-index-2024")
    yield typed(index, "RankingIndex")
    yield f"{index} <{LABEL}> {_lit('Synthetic index')} ."
    yield f'{index} <{AG}indexSize> "{len(STATES)}"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    for rank, state in enumerate(STATES, start=1):
        e = _iri("ranking", f"syn-{state}")
        yield from fact(e, "RankingEntry")
        yield f"{e} <{AG}rankedState> {_iri('state', state)} ."
        yield f"{e} <{AG}inIndex> {index} ."
        yield f'{e} <{AG}rank> "{rank}"^^<http://www.w3.org/2001/XMLSchema#integer> .'
