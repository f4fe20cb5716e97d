"""Pinned facts of the real graph: the seed report's claims and a sample of every area.

Each assertion names a fact an analyst would check; a data edit that breaks one fails here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import SHARED

from alliance_graph.paths import ProjectPaths
from alliance_graph.queries import load_catalogue, run
from alliance_graph.results import evidence_index, records
from alliance_graph.store import Store

SEED = "https://www.thenewdispatch.com/russia-and-china-strengthen-collaboration-to-advance-artificial-intelligence-development/"


def ask(store: Store, query: str) -> bool:
    answer = store.query(f"ASK {{ {query} }}")
    return bool(answer.boolean)


def named(store: Store, paths: ProjectPaths, name: str, **params: Any) -> list[dict[str, Any]]:
    query = load_catalogue(paths.queries_dir)[name]
    page = run(store, query, params, limit=1000)
    return records(page.answer, evidence_index(store, page.answer))


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


# --- the seed report, claim by claim, each with a source -------------------------------------


def test_seed_report_rank_matches_the_graph(real_store: Store) -> None:
    corpus = SHARED / "corpus" / "2025-01-russia-china-ai-partnership.txt"
    if not corpus.is_file():
        pytest.skip("../shared/corpus is not present on this machine")
    match = re.search(
        r"ranks (\d+)\w* out of (\d+) countries on the Global AI Index", corpus.read_text(encoding="utf-8")
    )
    assert match, "the seed report no longer states Russia's rank"
    rank, size = (int(g) for g in match.groups())
    assert ask(
        real_store,
        f"""ranking:global-ai-index-2024-rus ag:rank {rank} ; ag:inIndex ?index ;
              prov:wasDerivedFrom/ag:url "{SEED}"^^xsd:anyURI .
            ?index ag:indexSize {size} .""",
    )


def test_directive_to_government_and_sberbank(real_store: Store) -> None:
    assert ask(
        real_store,
        """cooperation:2025-01-putin-directive-ai-china a ag:Directive ;
             ag:orderedBy person:vladimir-putin ; ag:partyA inst:sberbank , inst:government-of-russia ;
             ag:mentions state:CHN ; ag:topic tech:artificial-intelligence ;
             ag:announcedDate "2025-01-01"^^xsd:date ;
             prov:wasDerivedFrom/ag:url ?url .
           FILTER (CONTAINS(STR(?url), "putin-orders-russian-govt-and-top-bank"))""",
    )


def test_every_seed_claim_cites_the_seed_report(real_store: Store) -> None:
    facts = {
        short(str(row[0]))
        for row in real_store.query(
            f'SELECT DISTINCT ?f WHERE {{ ?f prov:wasDerivedFrom/ag:url "{SEED}"^^xsd:anyURI }}'
        ).rows
    }
    for expected in (
        "2025-01-putin-directive-ai-china",
        "sberbank-leads-russia-ai",
        "western-sanctions-restrict-russia-microchip-imports",
        "sberbank-says-brics-countries-joined-ai-alliance-network",
        "russia-ranks-behind-india-brazil-usa-china-global-ai-index",
        "2024-12-31-xi-putin-new-year-greetings",
        "global-ai-index-2024-rus",
    ):
        assert expected in facts


def test_ai_alliance_network_announced_in_december_2024(real_store: Store) -> None:
    assert ask(
        real_store,
        """alliance:ai-alliance-network a ag:AIInitiative ; ag:announcedDate "2024-12-11"^^xsd:date ;
             ag:announcedBy person:vladimir-putin ; ag:topic tech:artificial-intelligence""",
    )
    members = {
        short(str(r[0]))
        for r in real_store.query("SELECT ?s WHERE { ?s ag:memberOf alliance:ai-alliance-network ; a ag:State }").rows
    }
    assert {"BRA", "RUS", "IND", "CHN", "ZAF"} <= members


def test_the_two_brics_ai_alliances_are_distinct(real_store: Store) -> None:
    assert ask(real_store, "alliance:brics-ai-alliance ag:announcedBy inst:rdif")
    assert not ask(real_store, "alliance:brics-ai-alliance ag:announcedBy person:vladimir-putin")


def test_russia_rank_31_of_83(real_store: Store, real_paths: ProjectPaths) -> None:
    rows = named(real_store, real_paths, "index-ranking", index="ranking:global-ai-index-2024")
    russia = next(r for r in rows if short(r["state"]) == "RUS")
    assert russia["rank"] == 31 and russia["indexSize"] == 83
    assert SEED in {e["url"] for e in russia["evidence"]}
    above = {short(r["other"]) for r in named(real_store, real_paths, "ranked-above", state="state:RUS")}
    assert {"IND", "BRA", "USA", "CHN"} <= above


def test_microchip_restrictions_on_russia(real_store: Store, real_paths: ProjectPaths) -> None:
    rows = named(
        real_store,
        real_paths,
        "measures-against",
        target="state:RUS",
        technology="tech:semiconductors",
        as_of="2025-01-01",
    )
    imposers = {short(r["imposer"]) for r in rows}
    assert {"USA", "european-union", "JPN"} <= imposers
    assert "microchips" in {short(r["restricted"]) for r in rows}  # narrower than semiconductors
    assert all(r["evidence"] and r["evidence"][0]["url"].startswith("http") for r in rows)


# --- the user's question ---------------------------------------------------------------------


def test_brics_states_cooperating_with_china_on_ai(real_store: Store, real_paths: ProjectPaths) -> None:
    rows = named(real_store, real_paths, "bloc-members-cooperating-with", as_of="2025-01-31")
    by_state: dict[str, set[str]] = {}
    for row in rows:
        by_state.setdefault(short(row["state"]), set()).add(row["how"])
        assert row["evidence"] and row["explanation"]["steps"], row
    # Brazil (the joint statement of 20 Nov 2024) and Indonesia (the 2023 memorandum) are parties to
    # instruments with China; India and South Africa were only mentioned by Russia's announcement,
    # and South Africa's own letter of intent with China dates from June 2025.
    assert by_state.keys() == {"BRA", "IDN", "RUS"}
    assert {"joint statement", "exchange"} <= by_state["RUS"]
    assert "directive" not in by_state["RUS"]  # a directive to Russian bodies: China is its addressee
    before = named(real_store, real_paths, "bloc-members-cooperating-with", as_of="2023-01-01")
    assert before == []


def test_institution_plans_with_unnamed_partners_are_not_state_ties(real_store: Store) -> None:
    assert ask(
        real_store,
        """cooperation:2025-02-sberbank-china-joint-ai-research ag:party inst:sberbank ; ag:mentions state:CHN ;
             ag:level "institution" .
           FILTER NOT EXISTS { cooperation:2025-02-sberbank-china-joint-ai-research ag:concerns state:CHN }""",
    )


# --- BRICS -----------------------------------------------------------------------------------


def _members(store: Store, paths: ProjectPaths, alliance: str, as_of: str) -> set[str]:
    rows = named(store, paths, "alliance-members", alliance=alliance, as_of=as_of)
    return {short(r["member"]) for r in rows if short(r["role"]) in {"founding-member", "member"}}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2008-01-01", {"BRA", "RUS", "IND", "CHN"}),
        ("2012-01-01", {"BRA", "RUS", "IND", "CHN", "ZAF"}),
        ("2024-06-01", {"BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE"}),
        ("2025-02-01", {"BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE", "IDN"}),
    ],
)
def test_brics_members_as_of(real_store: Store, real_paths: ProjectPaths, as_of: str, expected: set[str]) -> None:
    assert _members(real_store, real_paths, "alliance:brics", as_of) == expected


def test_brics_special_statuses(real_store: Store) -> None:
    assert ask(real_store, "?m org:member state:ARG ; org:organization alliance:brics ; ag:role role:declined")
    assert ask(real_store, "?m org:member state:SAU ; org:organization alliance:brics ; ag:role role:ambiguous")
    assert not ask(real_store, "state:SAU ag:memberOf alliance:brics")
    assert ask(
        real_store,
        """?m org:member state:NGA ; org:organization alliance:brics ; ag:role role:partner-country ;
             ag:startDate "2025-01-17"^^xsd:date""",
    )


def test_south_africa_dates_disagree(real_store: Store) -> None:
    assert ask(real_store, "membership:brics-zaf-2010 ag:disagreesWith membership:brics-zaf-2011")


# --- sanctions and export controls -----------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "imposer", "date"),
    [
        ("usa-2022-10-advanced-computing-china", "state:USA", "2022-10-07"),
        ("usa-2022-04-sberbank-blocking", "state:USA", "2022-04-06"),
        ("gbr-2022-04-sberbank-asset-freeze", "state:GBR", "2022-04-06"),
        ("eu-2022-06-sberbank-swift", "alliance:european-union", "2022-06-14"),
    ],
)
def test_measure_dates(real_store: Store, measure: str, imposer: str, date: str) -> None:
    assert ask(real_store, f'measure:{measure} ag:imposer {imposer} ; ag:startDate "{date}"^^xsd:date')


def test_ai_diffusion_rule_not_enforced(real_store: Store) -> None:
    rows = real_store.query(
        "SELECT ?m ?status WHERE { ?m a ag:ExportControl ; ag:status ?status . "
        'FILTER (CONTAINS(STR(?m), "diffusion")) }'
    ).rows
    statuses = {short(str(m)): str(status) for m, status in rows}
    assert "not enforced" in statuses["usa-2025-01-ai-diffusion-framework"]
    # a law firm reads the same day as a rescission: kept beside it, as a disagreement
    assert statuses["usa-2025-01-ai-diffusion-framework-rescinded"] == "rescinded"


# --- multilateral groupings and the index ----------------------------------------------------


def test_gpai_founders_and_bletchley_signatories(real_store: Store, real_paths: ProjectPaths) -> None:
    gpai = named(real_store, real_paths, "alliance-members", alliance="alliance:gpai", as_of="2020-07-01")
    assert len({r["member"] for r in gpai if short(r["role"]) == "founding-member"}) == 15
    bletchley = named(
        real_store,
        real_paths,
        "alliance-members",
        alliance="alliance:bletchley-declaration",
        as_of="2023-11-02",
    )
    signatories = {short(r["member"]) for r in bletchley if short(r["role"]) == "signatory"}
    assert len(signatories) == 29 and {"CHN", "USA", "european-union"} <= signatories


def test_global_ai_index_top_three(real_store: Store, real_paths: ProjectPaths) -> None:
    rows = named(real_store, real_paths, "index-ranking", as_of="2025-06-01")
    assert [short(r["state"]) for r in rows[:3]] == ["USA", "CHN", "SGP"]
